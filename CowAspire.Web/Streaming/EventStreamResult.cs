using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Streaming;

/// <summary>
/// Writes pre-encoded frames as a text/event-stream response, flushing each one. When the gateway shuts down
/// it ends the stream with a jittered <c>retry:</c> so clients come back to another replica, not all at once.
/// </summary>
public sealed class EventStreamResult(IAsyncEnumerable<EventFrame> frames, IDisposable? lease = null) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        using var admitted = lease;
        var response = httpContext.Response;
        var stopping = httpContext.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        var options = httpContext.RequestServices.GetRequiredService<IOptions<StreamingOptions>>().Value;
        var metrics = httpContext.RequestServices.GetRequiredService<GatewayMetrics>();
        var time = httpContext.RequestServices.GetRequiredService<TimeProvider>();

        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers["X-Accel-Buffering"] = "no";
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        // Headers go out now, so the client's EventSource opens before the first event exists.
        await response.StartAsync(httpContext.RequestAborted);

        var sampled = metrics.SampleThisStream();
        using var streamEnds = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        try
        {
            await foreach (var frame in frames.WithCancellation(streamEnds.Token))
            {
                await response.BodyWriter.WriteAsync(frame.Bytes, streamEnds.Token);
                if (sampled && frame.PublishedAt is { } publishedAt)
                {
                    metrics.PublishToWrite(publishedAt, time.GetUtcNow());
                }
            }
        }
        catch (OperationCanceledException) when (httpContext.RequestAborted.IsCancellationRequested)
        {
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
            await response.BodyWriter.WriteAsync(
                SseFrames.Retry(SseFrames.Jittered(options.ReconnectDelay)).Bytes, httpContext.RequestAborted);
        }
    }
}
