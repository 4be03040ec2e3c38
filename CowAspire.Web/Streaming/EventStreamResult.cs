using Microsoft.AspNetCore.Http.Features;

namespace CowAspire.Web.Streaming;

/// <summary>
/// A text/event-stream response following a <see cref="StreamPlan"/>: its opening first, then the broadcaster writes
/// each frame the plan admits straight into the response. The request only waits for the stream's end, and then
/// writes its last frame (the plan's closing, or the jittered <c>retry:</c> of a gateway shutting down, so clients
/// come back to another replica, not all at once).
/// </summary>
public sealed class EventStreamResult(StreamPlan plan, IDisposable? lease = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var admitted = lease;
        var response = httpContext.Response;
        var aborted = httpContext.RequestAborted;
        var broadcaster = httpContext.RequestServices.GetRequiredService<QuoteBroadcaster>();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        // Headers go out now, so the client's EventSource opens before the first event exists.
        await response.StartAsync(aborted);

        var stream = broadcaster.Subscribe(plan, response.BodyWriter, httpContext.Abort);
        try
        {
            using (aborted.UnsafeRegister(static state => ((ClientStream)state!).Stop(), stream))
            {
                await stream.OpenAsync(aborted);
                await stream.Ended;
            }
            if (stream.Last is { } last && !aborted.IsCancellationRequested)
            {
                await response.BodyWriter.WriteAsync(last.Bytes, aborted);
            }
        }
        catch (OperationCanceledException) when (aborted.IsCancellationRequested)
        {
        }
        finally
        {
            broadcaster.Unsubscribe(stream);
        }
    }
}
