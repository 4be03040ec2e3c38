using System.Net.Http.Headers;
using CowAspire.Contracts;
using CowAspire.ServiceDefaults.Errors;
using CowAspire.Web.Limits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Quotes;

/// <summary>
/// POST /quotes on the gateway: the page's form posts here and the quote goes on to the Api, found through
/// service discovery. The Api validates; its answer (201, or a problem) comes back as it is.
/// </summary>
internal static class QuoteForwardingEndpoints
{
    public static IEndpointRouteBuilder MapQuoteForwarding(this IEndpointRouteBuilder endpoints)
    {
        endpoints.MapGroup("/quotes").WithTags("Quotes")
            .MapPost("/", Forward)
            .RequireQuoteRateLimit()
            .WithMetadata(new RequestSizeLimitAttribute(QuoteLimits.MaxBodyBytes));
        return endpoints;
    }

    private static async Task<Results<ForwardedResult, ProblemHttpResult>> Forward(
        HttpRequest request, ApiClient api, ILogger<ApiClient> logger, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"Send the quote as application/json, not '{request.ContentType ?? "(none)"}'.");
        }

        byte[] body;
        try
        {
            using var buffer = new MemoryStream();
            await request.Body.CopyToAsync(buffer, cancellationToken);
            body = buffer.ToArray();
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return TypedResults.Problem(statusCode: ex.StatusCode, title: "Body too large",
                detail: $"A quote request is at most {QuoteLimits.MaxBodyBytes} bytes.");
        }
        if (!RequestCharset.TryReadAsUtf8(request.ContentType, body, out var utf8))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"Send the quote as UTF-8 application/json, not '{request.ContentType}'.");
        }

        try
        {
            return new ForwardedResult(await api.SubmitQuoteAsync(utf8, request.Headers[QuoteHeaders.IdempotencyKey].ToString(), cancellationToken));
        }
        catch (Exception ex) when (ex is HttpRequestException or Polly.ExecutionRejectedException
            || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Unreachable, timed out, or the circuit breaker is open after repeated failures: all "not now".
            logger.ApiUnavailable(ex.Message);
            return RetryLaterProblem.Create(request.HttpContext, StatusCodes.Status503ServiceUnavailable, "Quote producer unavailable",
                "The Api did not answer, so the quote was not accepted. Retry later.",
                request.HttpContext.RequestServices.GetRequiredService<IOptions<WebLimitOptions>>().Value.RetryAfterSeconds);
        }
    }
}
