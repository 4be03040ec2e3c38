using System.Text.Json;
using System.Text.Json.Serialization;
using CowAspire.Api.Limits;
using CowAspire.Contracts;
using CowAspire.ServiceDefaults.Errors;
using CowAspire.ServiceDefaults.Limits;
using CowAspire.ServiceDefaults.Redis;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Mvc;
using Microsoft.Extensions.Options;

namespace CowAspire.Api.Quotes;

internal static class QuoteEndpoints
{
    public static IEndpointRouteBuilder MapQuotes(this IEndpointRouteBuilder endpoints)
    {
        var quotes = endpoints.MapGroup("/quotes").WithTags("Quotes");
        quotes.MapGet("/", GetCatalog);
        quotes.MapGet("/{id:long}", GetPublished);
        quotes.MapPost("/", Submit)
            .WithMetadata(new RequestSizeLimitAttribute(QuoteLimits.MaxBodyBytes))
            .RequireSharedRateLimit("api-quotes", services =>
            {
                var limits = services.GetRequiredService<IOptions<ApiLimitOptions>>().Value;
                return new TokenBucketLimit(limits.QuoteBurst, limits.QuotesPerSecond, limits.RetryAfterSeconds, "Too many quotes",
                    $"At most {limits.QuoteBurst} quotes at once and {limits.QuotesPerSecond} a second per caller.");
            });
        return endpoints;
    }

    private static Ok<CatalogResponse> GetCatalog(QuoteCatalog catalog) =>
        TypedResults.Ok(new CatalogResponse([.. catalog.Snapshot().Select(text => new CatalogEntry(text))]));

    private static async Task<Results<Ok<QuoteEnvelope>, ProblemHttpResult>> GetPublished(
        long id, HttpContext context, QuoteStore store, CancellationToken cancellationToken)
    {
        if (id < 1)
        {
            // Ids start at 1 (INCR); asking Redis for "-1-0" would only earn an invalid-stream-id error.
            return Problem(StatusCodes.Status400BadRequest, "Invalid quote id", $"{id} is not a quote id: ids are whole numbers from 1.");
        }
        try
        {
            return await store.FindAsync(id, cancellationToken) is { } quote
                ? TypedResults.Ok(quote)
                : Problem(StatusCodes.Status404NotFound, "Unknown quote", $"Quote {id} was never published or has left history.");
        }
        catch (Exception ex) when (RedisFaults.Describe(ex) is { } reason)
        {
            return Unavailable(context, $"{reason}, so history cannot be read. Retry later.");
        }
    }

    private static async Task<Results<Created<QuoteEnvelope>, ProblemHttpResult>> Submit(
        HttpRequest request, QuoteCatalog catalog, QuoteStore store, ILogger<QuoteStore> logger, CancellationToken cancellationToken)
    {
        if (!request.HasJsonContentType())
        {
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the quote as application/json, not '{request.ContentType ?? "(none)"}'.");
        }

        SubmitQuoteRequest? body;
        try
        {
            body = await request.ReadFromJsonAsync(QuoteApiJsonContext.Default.SubmitQuoteRequest, cancellationToken);
        }
        catch (JsonException ex)
        {
            return Problem(StatusCodes.Status400BadRequest, "Malformed JSON", $"The body is not a JSON quote: {ex.Message}");
        }
        catch (BadHttpRequestException ex) when (ex.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            return Problem(ex.StatusCode, "Body too large", $"A quote request is at most {QuoteLimits.MaxBodyBytes} bytes.");
        }
        catch (InvalidOperationException)
        {
            // A JSON content type with a charset .NET cannot decode.
            return Problem(StatusCodes.Status415UnsupportedMediaType, "Unsupported media type",
                $"Send the quote as UTF-8 application/json, not '{request.ContentType}'.");
        }

        if (QuoteText.Validate(body?.Text, out var text) is { } error)
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid quote", error);
        }
        var idempotencyKey = request.Headers[QuoteHeaders.IdempotencyKey].ToString();
        if (idempotencyKey.Length > 0 && !QuoteLimits.IsIdempotencyKey(idempotencyKey))
        {
            return Problem(StatusCodes.Status400BadRequest, "Invalid Idempotency-Key",
                $"{QuoteHeaders.IdempotencyKey} must be 1 to {QuoteLimits.MaxIdempotencyKeyLength} visible ASCII characters.");
        }

        QuotePublishOutcome published;
        try
        {
            published = await store.PublishAsync(text, idempotencyKey.Length > 0 ? idempotencyKey : null, cancellationToken);
        }
        catch (IdempotencyKeyReusedException ex)
        {
            return Problem(StatusCodes.Status422UnprocessableEntity, "Idempotency-Key reused", ex.Message);
        }
        catch (QuoteNotAcknowledgedException ex)
        {
            // Written but not announced: a failover now could take it back, so no client has it and its outcome is open.
            logger.SubmitRefused(ex.Message);
            return Unavailable(request.HttpContext,
                $"{ex.Message} No client has it; its outcome is unknown. Retry with the same {QuoteHeaders.IdempotencyKey} to learn it.");
        }
        catch (Exception ex) when (RedisFaults.Describe(ex) is { } reason)
        {
            // Refused, never accepted-then-dropped: the client keeps the quote and retries.
            logger.SubmitRefused(ex.Message);
            return Unavailable(request.HttpContext, $"{reason}, so the quote was not accepted. Retry later.");
        }

        // From here on the quote is live: nothing below may fail the request, or the client's retry would publish it twice.
        var quote = published.Quote;
        if (published.Replayed)
        {
            request.HttpContext.Response.Headers[QuoteHeaders.Replayed] = "true";
            logger.SubmitReplayed(quote.Id);
        }
        else
        {
            catalog.Add(text);
            logger.QuoteSubmitted(quote.Id);
        }
        return TypedResults.Created($"/quotes/{quote.Id}", quote);
    }

    private static ProblemHttpResult Unavailable(HttpContext context, string detail) =>
        RetryLaterProblem.Create(context, StatusCodes.Status503ServiceUnavailable, "Quote store unavailable", detail,
            context.RequestServices.GetRequiredService<IOptions<ApiLimitOptions>>().Value.RetryAfterSeconds);

    private static ProblemHttpResult Problem(int status, string title, string detail) =>
        TypedResults.Problem(detail: detail, statusCode: status, title: title);
}
