using Google.Protobuf;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// <c>follow=true</c>: one OTLP JSON object a line (<c>application/x-ndjson</c>), written as items arrive, until the
/// client leaves or the dashboard stops.
/// </summary>
internal sealed class NdjsonResult<T>(Func<CancellationToken, IAsyncEnumerable<T>> items, Func<T, IMessage> toOtlp) : IResult
{
    public const string ContentType = "application/x-ndjson";

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var stopping = httpContext.RequestServices.GetRequiredService<IHostApplicationLifetime>().ApplicationStopping;
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(httpContext.RequestAborted, stopping);
        httpContext.Response.ContentType = ContentType;
        httpContext.Response.Headers.CacheControl = "no-cache";
        httpContext.Features.Get<IHttpResponseBodyFeature>()?.DisableBuffering();
        try
        {
            // Headers now, so a follower knows it is connected before the first item arrives.
            await httpContext.Response.Body.FlushAsync(ends.Token);
            await foreach (var item in items(ends.Token).WithCancellation(ends.Token))
            {
                await httpContext.Response.WriteAsync(OtlpJson.ToNode(toOtlp(item)).ToJsonString() + "\n", ends.Token);
                await httpContext.Response.Body.FlushAsync(ends.Token);
            }
        }
        catch (OperationCanceledException) when (ends.IsCancellationRequested)
        {
        }
    }
}
