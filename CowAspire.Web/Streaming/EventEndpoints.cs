using System.Globalization;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;
using CowAspire.Web.Limits;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

internal static class EventEndpoints
{
    public static IEndpointRouteBuilder MapEvents(this IEndpointRouteBuilder endpoints)
    {
        var events = endpoints.MapGroup("/events").WithTags("Events");
        events.MapGet("/", Live);
        events.MapGet("/show", Show);
        return endpoints;
    }

    private static async Task<Results<EventStreamResult, ProblemHttpResult>> Live(
        HttpRequest request, QuoteStreams streams, QuoteHistory history, StreamAdmission admission, IOptions<LimitOptions> limits,
        CancellationToken cancellationToken)
    {
        // The browser resends the last id it saw as a header; a first connection can name one in the query.
        var raw = request.Headers["Last-Event-ID"].ToString();
        var source = "Last-Event-ID";
        if (string.IsNullOrEmpty(raw) && request.Query.TryGetValue("lastEventId", out var query))
        {
            (raw, source) = (query.ToString(), "lastEventId");
        }

        long? afterId = null;
        if (!string.IsNullOrEmpty(raw))
        {
            if (!long.TryParse(raw, NumberStyles.None, CultureInfo.InvariantCulture, out var id))
            {
                return BadRequest($"{source} must be a quote id (a whole number ≥ 0), not '{Truncate(raw)}'.");
            }
            try
            {
                var latest = await history.LatestIdAsync(cancellationToken);
                if (id > latest)
                {
                    return BadRequest($"{source} {id} is ahead of the newest quote ({latest}).");
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                return LimitsExtensions.RetryLater(request.HttpContext, StatusCodes.Status503ServiceUnavailable, "History unavailable",
                    "Redis is unavailable, so the stream cannot resume from history. Retry later.", retryAfterSeconds: 2);
            }
            afterId = id;
        }

        return Admit(request.HttpContext, admission, limits.Value, out var lease) is { } refused
            ? refused
            : new EventStreamResult(streams.LiveAsync(afterId, request.HttpContext.Abort, request.HttpContext.RequestAborted), lease);
    }

    private static Results<EventStreamResult, ProblemHttpResult> Show(
        HttpRequest request, QuoteStreams streams, IOptions<StreamingOptions> options, StreamAdmission admission, IOptions<LimitOptions> limits)
    {
        if (ShowCount.Parse(request.Query["count"], options.Value.DefaultShowCount) is not { } count)
        {
            return BadRequest($"count must be a whole number from 1 to {ShowCount.Max}, not '{Truncate(request.Query["count"].ToString())}'.");
        }
        return Admit(request.HttpContext, admission, limits.Value, out var lease) is { } refused
            ? refused
            : new EventStreamResult(streams.ShowAsync(count, request.HttpContext.Abort, request.HttpContext.RequestAborted), lease);
    }

    /// <summary>Null when the stream may open (with its lease), else the refusal to send.</summary>
    private static ProblemHttpResult? Admit(HttpContext context, StreamAdmission admission, LimitOptions limits, out IDisposable? lease)
    {
        lease = admission.TryAdmit(LimitsExtensions.ClientAddress(context), out var refusal);
        return refusal switch
        {
            StreamRefusal.GatewayFull => LimitsExtensions.RetryLater(context, StatusCodes.Status503ServiceUnavailable, "Gateway full",
                $"This gateway holds its maximum of {limits.MaxStreams} streams. Retry later.", limits.RetryAfterSeconds),
            StreamRefusal.AddressFull => LimitsExtensions.RetryLater(context, StatusCodes.Status429TooManyRequests, "Too many streams",
                $"At most {limits.MaxStreamsPerAddress} open streams per client address.", limits.RetryAfterSeconds),
            _ => null,
        };
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid stream request");

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
