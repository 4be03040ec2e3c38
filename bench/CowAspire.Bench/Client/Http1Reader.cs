using System.Buffers.Text;
using System.Text;

namespace CowAspire.Bench.Client;

/// <summary>One SSE request over HTTP/1.1 (TLS or plain TCP): write the GET, read the status line and headers, then the (chunked) body.</summary>
public static class Http1Reader
{
    public static async Task<SseOutcome> RunAsync(Stream connection, SseScanner scanner, SseEndpoint endpoint, string? lastEventId, CancellationToken stop)
    {
        var request = new StringBuilder()
            .Append("GET ").Append(endpoint.Path).Append(" HTTP/1.1\r\n")
            .Append("Host: ").Append(endpoint.Authority).Append("\r\n")
            .Append("Accept: text/event-stream\r\nCache-Control: no-cache\r\n");
        if (lastEventId is not null)
        {
            request.Append("Last-Event-ID: ").Append(lastEventId).Append("\r\n");
        }
        await connection.WriteAsync(Encoding.ASCII.GetBytes(request.Append("\r\n").ToString()), stop);

        var buffer = new byte[SseConnection.BufferSize];
        var filled = 0;
        int headerEnd;
        // The head of the response: small on both servers, so it fits the buffer.
        while ((headerEnd = buffer.AsSpan(0, filled).IndexOf("\r\n\r\n"u8)) < 0)
        {
            if (filled == buffer.Length)
            {
                throw new InvalidDataException("Response head too long.");
            }
            var read = await connection.ReadAsync(buffer.AsMemory(filled), stop);
            if (read == 0)
            {
                return new SseOutcome(0, "closed before the response");
            }
            filled += read;
        }
        // "HTTP/1.1 200 OK"
        if (headerEnd < 12 || !Utf8Parser.TryParse(buffer.AsSpan(9, 3), out int status, out _))
        {
            throw new InvalidDataException("Bad status line.");
        }
        if (status != 200)
        {
            return new SseOutcome(status, null);
        }
        var chunked = Encoding.ASCII.GetString(buffer, 0, headerEnd).Contains("transfer-encoding: chunked", StringComparison.OrdinalIgnoreCase);
        var decoder = chunked ? new ChunkedDecoder() : null;
        Feed(buffer.AsSpan(headerEnd + 4, filled - headerEnd - 4));
        while (decoder is not { Done: true })
        {
            var read = await connection.ReadAsync(buffer, stop);
            if (read == 0)
            {
                break;
            }
            Feed(buffer.AsSpan(0, read));
        }
        return new SseOutcome(status, null);

        void Feed(ReadOnlySpan<byte> bytes)
        {
            if (decoder is null)
            {
                scanner.Feed(bytes);
            }
            else
            {
                decoder.Feed(bytes, scanner);
            }
        }
    }
}
