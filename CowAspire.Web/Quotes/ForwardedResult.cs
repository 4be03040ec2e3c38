using CowAspire.Contracts;

namespace CowAspire.Web.Quotes;

/// <summary>The Api's answer, relayed: status, Location, content type and body.</summary>
internal sealed class ForwardedResult(ApiResponse answer) : IResult
{
    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = answer.StatusCode;
        httpContext.Response.ContentType = answer.ContentType;
        if (answer.Location is { } location)
        {
            httpContext.Response.Headers.Location = location;
        }
        if (answer.RetryAfter is { } retryAfter)
        {
            httpContext.Response.Headers.RetryAfter = retryAfter;
        }
        if (answer.Replayed is { } replayed)
        {
            httpContext.Response.Headers[QuoteHeaders.Replayed] = replayed;
        }
        await httpContext.Response.Body.WriteAsync(answer.Body, httpContext.RequestAborted);
    }
}
