using System.Buffers.Binary;
using System.Text;

namespace CowAspire.Bench.Client;

/// <summary>
/// One SSE request over HTTP/2, as a browser with one tab sends it: the connection preface, SETTINGS, one GET on
/// stream 1, then frames until the stream ends. Only what that needs: SETTINGS and PING are acknowledged, DATA of
/// stream 1 goes to the scanner, the status is read from the first HPACK byte(s). Flow control is opened wide at
/// the start (a 2 GiB window on the stream and the connection), so the client never has to send WINDOW_UPDATE
/// during a run and the servers never wait for one.
/// </summary>
public sealed class Http2Reader(Stream tls, SseScanner scanner)
{
    private const byte Data = 0, Headers = 1, RstStream = 3, Settings = 4, Ping = 6, GoAway = 7;
    private const byte EndStream = 0x1, Ack = 0x1, Padded = 0x8, Priority = 0x20;
    private const int MaxWindow = int.MaxValue;

    private readonly byte[] _header = new byte[9];
    private int _headerFilled;
    private int _length;
    private byte _type;
    private byte _flags;
    private int _stream;
    private int _offset;
    private int _padLength;

    // The start of a control frame's payload (PING's 8 bytes, the first bytes of a HEADERS block).
    private readonly byte[] _control = new byte[16];

    private int _status;
    private bool _ended;
    private readonly List<byte[]> _replies = [];

    public async Task<SseOutcome> RunAsync(SseEndpoint endpoint, string? lastEventId, CancellationToken stop)
    {
        await tls.WriteAsync(Opening(endpoint, lastEventId), stop);
        var buffer = new byte[SseConnection.BufferSize];
        while (!_ended)
        {
            var read = await tls.ReadAsync(buffer, stop);
            if (read == 0)
            {
                return new SseOutcome(_status, _status == 0 ? "closed before the response" : null);
            }
            Feed(buffer.AsSpan(0, read));
            foreach (var reply in _replies)
            {
                await tls.WriteAsync(reply, stop);
            }
            _replies.Clear();
            if (_status is not (0 or 200))
            {
                return new SseOutcome(_status, null);
            }
        }
        return new SseOutcome(_status, null);
    }

    /// <summary>Preface, SETTINGS (no push, 2 GiB stream window), a connection WINDOW_UPDATE, and the GET.</summary>
    private static byte[] Opening(SseEndpoint endpoint, string? lastEventId)
    {
        var bytes = new List<byte>(256);
        bytes.AddRange("PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n"u8.ToArray());
        Frame(bytes, Settings, 0, 0, [0, 2, 0, 0, 0, 0, 0, 4, .. BigEndian(MaxWindow)]);
        Frame(bytes, 8, 0, 0, BigEndian(MaxWindow - 65535));

        var block = new List<byte> { 0x82, 0x87 }; // :method GET, :scheme https (static table 2, 7)
        Literal(block, 4, endpoint.Path);          // :path
        Literal(block, 1, endpoint.Authority);     // :authority
        Literal(block, 19, "text/event-stream");   // accept
        Literal(block, 24, "no-cache");            // cache-control
        if (lastEventId is not null)
        {
            block.Add(0); // literal without indexing, new name
            String(block, "last-event-id");
            String(block, lastEventId);
        }
        Frame(bytes, Headers, 0x4 | EndStream, 1, [.. block]); // END_HEADERS | END_STREAM
        return [.. bytes];
    }

    private void Feed(ReadOnlySpan<byte> input)
    {
        while (!input.IsEmpty)
        {
            if (_headerFilled < 9)
            {
                var take = Math.Min(9 - _headerFilled, input.Length);
                input[..take].CopyTo(_header.AsSpan(_headerFilled));
                _headerFilled += take;
                input = input[take..];
                if (_headerFilled < 9)
                {
                    return;
                }
                _length = (_header[0] << 16) | (_header[1] << 8) | _header[2];
                _type = _header[3];
                _flags = _header[4];
                _stream = BinaryPrimitives.ReadInt32BigEndian(_header.AsSpan(5)) & int.MaxValue;
                _offset = 0;
                _padLength = 0;
                if (_length == 0)
                {
                    EndFrame();
                }
                continue;
            }
            var part = input[..Math.Min(_length - _offset, input.Length)];
            Payload(part);
            _offset += part.Length;
            input = input[part.Length..];
            if (_offset == _length)
            {
                EndFrame();
            }
        }
    }

    private void Payload(ReadOnlySpan<byte> part)
    {
        if (_type == Data && _stream == 1)
        {
            var start = 0;
            if ((_flags & Padded) != 0 && _offset == 0)
            {
                _padLength = part[0];
                start = 1;
            }
            var dataEnd = _length - _padLength; // frame offset where padding starts
            var end = Math.Min(part.Length, dataEnd - _offset);
            if (end > start)
            {
                scanner.Feed(part[start..end]);
            }
            return;
        }
        if (_offset < _control.Length)
        {
            var take = Math.Min(part.Length, _control.Length - _offset);
            part[..take].CopyTo(_control.AsSpan(_offset));
        }
    }

    private void EndFrame()
    {
        _headerFilled = 0;
        switch (_type)
        {
            case Data when _stream == 1 && (_flags & EndStream) != 0:
                _ended = true;
                break;
            case Headers when _stream == 1:
                if (_status == 0)
                {
                    _status = Status();
                }
                _ended |= (_flags & EndStream) != 0;
                break;
            case Settings when (_flags & Ack) == 0:
                _replies.Add([0, 0, 0, Settings, Ack, 0, 0, 0, 0]);
                break;
            case Ping when (_flags & Ack) == 0:
                _replies.Add([0, 0, 8, Ping, Ack, 0, 0, 0, 0, .. _control.AsSpan(0, 8)]);
                break;
            case RstStream when _stream == 1:
            case GoAway:
                _ended = true;
                break;
        }
    }

    /// <summary>
    /// :status from the start of the HEADERS block. Both servers send it first, as an indexed field (0x88 = 200, 0x89
    /// = 204, 0x8d = 404 …) or a literal with the static name :status (index 8).
    /// </summary>
    private int Status()
    {
        var at = ((_flags & Padded) != 0 ? 1 : 0) + ((_flags & Priority) != 0 ? 5 : 0);
        var first = _control[at];
        int? indexed = first switch
        {
            0x88 => 200,
            0x89 => 204,
            0x8a => 206,
            0x8b => 304,
            0x8c => 400,
            0x8d => 404,
            0x8e => 500,
            _ => null,
        };
        if (indexed is { } known)
        {
            return known;
        }
        // Literal with indexed name 8, with (0x48) or without (0x08) indexing, or never indexed (0x18).
        if (first is 0x48 or 0x08 or 0x18 && _control[at + 1] == 3)
        {
            return int.Parse(Encoding.ASCII.GetString(_control, at + 2, 3), System.Globalization.CultureInfo.InvariantCulture);
        }
        throw new InvalidDataException($"Cannot read :status (first HPACK byte 0x{first:x2}).");
    }

    private static void Frame(List<byte> bytes, byte type, byte flags, int stream, byte[] payload)
    {
        bytes.AddRange([(byte)(payload.Length >> 16), (byte)(payload.Length >> 8), (byte)payload.Length, type, flags, .. BigEndian(stream)]);
        bytes.AddRange(payload);
    }

    /// <summary>A literal header field without indexing, with a name from the static table (4-bit prefix).</summary>
    private static void Literal(List<byte> block, int nameIndex, string value)
    {
        if (nameIndex < 15)
        {
            block.Add((byte)nameIndex);
        }
        else
        {
            block.Add(15);
            block.Add((byte)(nameIndex - 15));
        }
        String(block, value);
    }

    /// <summary>An HPACK string, not Huffman-coded (7-bit length prefix).</summary>
    private static void String(List<byte> block, string value)
    {
        var bytes = Encoding.ASCII.GetBytes(value);
        var length = bytes.Length;
        if (length < 127)
        {
            block.Add((byte)length);
        }
        else
        {
            block.Add(127);
            length -= 127;
            while (length >= 128)
            {
                block.Add((byte)((length % 128) + 128));
                length /= 128;
            }
            block.Add((byte)length);
        }
        block.AddRange(bytes);
    }

    private static byte[] BigEndian(int value)
    {
        var bytes = new byte[4];
        BinaryPrimitives.WriteInt32BigEndian(bytes, value);
        return bytes;
    }
}
