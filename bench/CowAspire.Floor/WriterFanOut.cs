using System.Buffers;
using System.IO.Pipelines;

namespace CowAspire.Floor;

/// <summary>
/// The floor: the publishing request writes the event's bytes into every open response's PipeWriter and flushes
/// it, one after the other. No queue and no task per client: per delivery only Kestrel's own work remains. It keeps
/// none of CowAspire's guarantees (a client whose flush stays pending holds up the next event for every client, no
/// history, no heartbeat); it is the bound, not a design.
/// </summary>
public sealed class WriterFanOut : IDisposable
{
    /// <summary>A comment on connect: the response's first body bytes, so the client counts the stream as open.</summary>
    private static readonly byte[] Opened = ": open\n\n"u8.ToArray();

    // One gate for publishing, joining and leaving: a response is never completed while an event is being written into it.
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly HashSet<PipeWriter> _writers = [];
    private long _id;

    public async Task SubscribeAsync(HttpContext context)
    {
        var response = context.Response;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        var writer = response.BodyWriter;
        var aborted = context.RequestAborted;
        await _gate.WaitAsync(aborted);
        try
        {
            writer.Write(Opened);
            await writer.FlushAsync(aborted);
            _writers.Add(writer);
        }
        finally
        {
            _gate.Release();
        }
        try
        {
            // The stream stays open until the client leaves (or Kestrel aborts it at shutdown, after HostOptions.ShutdownTimeout).
            await Task.Delay(Timeout.Infinite, aborted);
        }
        catch (OperationCanceledException)
        {
        }
        await _gate.WaitAsync(CancellationToken.None);
        try
        {
            _writers.Remove(writer);
        }
        finally
        {
            _gate.Release();
        }
    }

    public async Task<IResult> PublishAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        var html = await QuoteEvent.ReadAsync(request, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var bytes = QuoteEvent.Encode(QuoteEvent.Item(html, ++_id));
            List<Task<FlushResult>>? pending = null;
            foreach (var writer in _writers)
            {
                writer.Write(bytes);
                var flush = writer.FlushAsync(CancellationToken.None);
                if (flush.IsCompleted)
                {
                    // Consumed at once: a pooled ValueTask source must be read exactly once.
                    _ = flush.GetAwaiter().GetResult();
                }
                else
                {
                    // Only a client whose output is over Kestrel's pause threshold gets here; the floor waits for it.
                    (pending ??= []).Add(flush.AsTask());
                }
            }
            if (pending is not null)
            {
                await Task.WhenAll(pending);
            }
        }
        finally
        {
            _gate.Release();
        }
        return TypedResults.Accepted((string?)null);
    }

    public void Dispose() => _gate.Dispose();
}
