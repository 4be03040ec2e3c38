namespace CowAspire.Bench.Client;

/// <summary>
/// Undoes HTTP/1.1 chunked transfer coding as bytes arrive (an SSE response has no length, so both servers chunk
/// it), handing the chunk data on. Chunk extensions and trailers are skipped.
/// </summary>
public sealed class ChunkedDecoder
{
    private enum State { Size, Extension, SizeLf, Data, DataCr, DataLf, Done }

    private State _state = State.Size;
    private long _size;
    private bool _sizeDigits;

    /// <summary>The terminating zero-size chunk arrived: the response is over.</summary>
    public bool Done => _state == State.Done;

    /// <summary>Decodes <paramref name="input"/>, passing data to <paramref name="output"/>.</summary>
    /// <exception cref="InvalidDataException">The framing is broken.</exception>
    public void Feed(ReadOnlySpan<byte> input, SseScanner output)
    {
        while (!input.IsEmpty && _state != State.Done)
        {
            switch (_state)
            {
                case State.Size:
                    var b = input[0];
                    input = input[1..];
                    var digit = b switch
                    {
                        >= (byte)'0' and <= (byte)'9' => b - '0',
                        >= (byte)'a' and <= (byte)'f' => b - 'a' + 10,
                        >= (byte)'A' and <= (byte)'F' => b - 'A' + 10,
                        _ => -1,
                    };
                    if (digit >= 0)
                    {
                        _size = (_size * 16) + digit;
                        _sizeDigits = true;
                    }
                    else if (_sizeDigits && b == (byte)'\r')
                    {
                        _state = State.SizeLf;
                    }
                    else if (_sizeDigits && b is (byte)';' or (byte)' ')
                    {
                        _state = State.Extension;
                    }
                    else
                    {
                        throw new InvalidDataException("Bad chunk size.");
                    }
                    break;
                case State.Extension:
                    var cr = input.IndexOf((byte)'\r');
                    if (cr < 0)
                    {
                        return;
                    }
                    input = input[(cr + 1)..];
                    _state = State.SizeLf;
                    break;
                case State.SizeLf:
                    if (input[0] != (byte)'\n')
                    {
                        throw new InvalidDataException("Bad chunk size line.");
                    }
                    input = input[1..];
                    _state = _size == 0 ? State.Done : State.Data;
                    _sizeDigits = false;
                    break;
                case State.Data:
                    var take = (int)Math.Min(_size, input.Length);
                    output.Feed(input[..take]);
                    input = input[take..];
                    _size -= take;
                    if (_size == 0)
                    {
                        _state = State.DataCr;
                    }
                    break;
                case State.DataCr:
                    _state = input[0] == (byte)'\r' ? State.DataLf : throw new InvalidDataException("Chunk data not followed by CRLF.");
                    input = input[1..];
                    break;
                case State.DataLf:
                    _state = input[0] == (byte)'\n' ? State.Size : throw new InvalidDataException("Chunk data not followed by CRLF.");
                    input = input[1..];
                    break;
            }
        }
    }
}
