namespace CowAspire.Bench.Client;

/// <summary>What a subscription tells the run: its stream is live, an event arrived.</summary>
public interface ISseSink
{
    /// <summary>The first body bytes arrived (both servers write a <c>retry:</c> or a comment at once).</summary>
    void OnFirstBytes();

    /// <summary>An event was dispatched; <paramref name="seq"/> is its BENCHSEQ number or -1.</summary>
    void OnEvent(int seq, long timestamp, int bytes);
}

/// <summary>One dispatched event as EventSource would hand it to a page: its type (null: <c>message</c>), id and data.</summary>
public sealed record SseEvent(string? Type, string? Id, string Data);

/// <summary>
/// Reads an event stream as EventSource does, but only as far as the bench needs: where each event ends, the
/// BENCHSEQ number in its data, and its <c>id:</c> (for Last-Event-ID on a reconnect). It works on the body bytes as
/// they come, whatever the chunking, keeping only the current line (bounded): no string, no allocation per event,
/// so the client's own CPU stays small next to the servers' on two shared cores.
/// </summary>
public sealed class SseScanner(ISseSink sink)
{
    private const int MaxLine = 2048;
    private readonly byte[] _line = new byte[MaxLine];
    private int _lineLength;
    private readonly byte[] _id = new byte[64];
    private int _idLength;
    private bool _hasData;
    private int _seq = -1;
    private int _eventBytes;
    private bool _seenBytes;

    /// <summary>The last event id seen, or null.</summary>
    public string? LastEventId => _idLength == 0 ? null : System.Text.Encoding.UTF8.GetString(_id, 0, _idLength);

    public long BytesRead { get; private set; }

    /// <summary>Keep the first bench message's event as text (<see cref="Sample"/>), for the report.</summary>
    public bool KeepSample { get; init; }

    /// <summary>The first event that carried a bench message (seq ≥ 1), as received, when <see cref="KeepSample"/>.</summary>
    public string? Sample { get; private set; }

    private System.Text.StringBuilder? _sampleLines;

    /// <summary>
    /// When set, each dispatched event is also handed over whole, as text (the chaos soak checks content; the bench's
    /// measured runs leave it null and allocate nothing per event).
    /// </summary>
    public Action<SseEvent>? OnWholeEvent { get; init; }

    /// <summary>The last <c>retry:</c> the server sent, in milliseconds, or null.</summary>
    public int? RetryMilliseconds { get; private set; }

    private string? _type;
    private System.Text.StringBuilder? _data;

    /// <summary>Starts a new response (a reconnect); keeps the last event id.</summary>
    public void Reset()
    {
        _lineLength = 0;
        _hasData = false;
        _seq = -1;
        _eventBytes = 0;
        _seenBytes = false;
        _type = null;
        _data?.Clear();
    }

    public void Feed(ReadOnlySpan<byte> body)
    {
        if (body.IsEmpty)
        {
            return;
        }
        BytesRead += body.Length;
        if (!_seenBytes)
        {
            _seenBytes = true;
            sink.OnFirstBytes();
        }
        while (!body.IsEmpty)
        {
            var end = body.IndexOf((byte)'\n');
            if (end < 0)
            {
                Append(body);
                _eventBytes += body.Length;
                return;
            }
            _eventBytes += end + 1;
            if (_lineLength == 0)
            {
                Line(body[..end]);
            }
            else
            {
                Append(body[..end]);
                Line(_line.AsSpan(0, _lineLength));
                _lineLength = 0;
            }
            body = body[(end + 1)..];
        }
    }

    private void Append(ReadOnlySpan<byte> part)
    {
        // Lines longer than the buffer are cut: only the start of a line (field name) and the marker matter.
        var room = Math.Min(part.Length, MaxLine - _lineLength);
        part[..room].CopyTo(_line.AsSpan(_lineLength));
        _lineLength += room;
    }

    private void Line(ReadOnlySpan<byte> line)
    {
        if (line.Length > 0 && line[^1] == (byte)'\r')
        {
            line = line[..^1];
        }
        if (KeepSample && Sample is null)
        {
            (_sampleLines ??= new()).Append(System.Text.Encoding.UTF8.GetString(line)).Append('\n');
        }
        if (line.IsEmpty)
        {
            if (_hasData)
            {
                sink.OnEvent(_seq, System.Diagnostics.Stopwatch.GetTimestamp(), _eventBytes);
                OnWholeEvent?.Invoke(new SseEvent(_type, LastEventId, _data?.ToString() ?? ""));
            }
            _type = null;
            _data?.Clear();
            if (_sampleLines is not null && Sample is null)
            {
                Sample = _hasData && _seq >= 1 ? _sampleLines.ToString() : null;
                _sampleLines.Clear();
            }
            _hasData = false;
            _seq = -1;
            _eventBytes = 0;
            return;
        }
        if (line.StartsWith("data"u8))
        {
            if (OnWholeEvent is not null)
            {
                _data ??= new();
                if (_hasData)
                {
                    _data.Append('\n');
                }
                _data.Append(System.Text.Encoding.UTF8.GetString(line.StartsWith("data:"u8) ? Value(line, 5) : []));
            }
            _hasData = true;
            if (_seq < 0)
            {
                _seq = Messages.ParseSeq(line);
            }
        }
        else if (line.StartsWith("event:"u8) && OnWholeEvent is not null)
        {
            _type = System.Text.Encoding.UTF8.GetString(Value(line, 6));
        }
        else if (line.StartsWith("retry:"u8) && int.TryParse(Value(line, 6), out var retry))
        {
            RetryMilliseconds = retry;
        }
        else if (line.StartsWith("id:"u8))
        {
            var value = Value(line, 3);
            _idLength = Math.Min(value.Length, _id.Length);
            value[.._idLength].CopyTo(_id);
        }
    }

    /// <summary>A field's value: after its name and colon, without the one optional leading space.</summary>
    private static ReadOnlySpan<byte> Value(ReadOnlySpan<byte> line, int nameAndColon)
    {
        var value = line.Length > nameAndColon ? line[nameAndColon..] : [];
        return !value.IsEmpty && value[0] == (byte)' ' ? value[1..] : value;
    }
}
