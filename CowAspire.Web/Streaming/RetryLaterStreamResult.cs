using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Streaming;

/// <summary>
/// A temporary refusal an EventSource survives: EventSource gives up for good on any status but 200 and ignores
/// Retry-After, so a refusal that only means "not now" is a 200 event stream holding a comment that says why
/// and a jittered <c>retry:</c>, then the end — and the browser comes back after it. The Retry-After header is
/// also set, for clients that read it.
/// </summary>
public sealed class RetryLaterStreamResult(string reason) : IResult
{
    public string Reason { get; } = reason;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var options = httpContext.RequestServices.GetRequiredService<IOptions<StreamingOptions>>().Value;
        var delay = SseFrames.Jittered(options.ReconnectDelay);
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = "text/event-stream";
        response.Headers.CacheControl = "no-cache";
        response.Headers.RetryAfter = ((int)Math.Ceiling(delay.TotalSeconds)).ToString(System.Globalization.CultureInfo.InvariantCulture);
        httpContext.Features.GetRequiredFeature<IHttpResponseBodyFeature>().DisableBuffering();
        if (HttpMethods.IsHead(httpContext.Request.Method))
        {
            return;
        }
        // One line: the reason is ours, never the client's input.
        await response.Body.WriteAsync(SseFrames.Comment(Reason.ReplaceLineEndings(" ")).Bytes, httpContext.RequestAborted);
        await response.Body.WriteAsync(SseFrames.Retry(delay).Bytes, httpContext.RequestAborted);
    }
}
