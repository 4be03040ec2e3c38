using CowAspire.Contracts;
using CowAspire.ServiceDefaults.Limits;
using CowAspire.Web.Limits;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

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

    private static Results<EventStreamResult, RetryLaterStreamResult, ProblemHttpResult> Live(
        HttpRequest request, QuoteStreams streams, StreamAdmission admission, IOptions<WebLimitOptions> limits)
    {
        // The browser resends the last id it saw as a header; a first connection can name one in the query.
        var raw = request.Headers["Last-Event-ID"].ToString();
        var source = "Last-Event-ID";
        if (string.IsNullOrEmpty(raw) && request.Query.TryGetValue("lastEventId", out var query))
        {
            (raw, source) = (query.ToString(), "lastEventId");
        }

        QuoteEventId? lastEventId = null;
        if (!string.IsNullOrEmpty(raw))
        {
            if (!QuoteEventId.TryParse(raw, out var parsed))
            {
                return BadRequest($"{source} must be an event id this gateway sent ('{{id}}-{{epoch}}', or a whole number ≥ 0), not '{Truncate(raw)}'.");
            }
            lastEventId = parsed;
        }

        return Admit(request.HttpContext, admission, limits.Value, out var lease) is { } refused
            ? refused
            : new EventStreamResult(streams.Live(lastEventId), lease);
    }

    private static Results<EventStreamResult, RetryLaterStreamResult, ProblemHttpResult> Show(
        HttpRequest request, QuoteStreams streams, IOptions<StreamingOptions> options, StreamAdmission admission, IOptions<WebLimitOptions> limits)
    {
        if (ShowCount.Parse(request.Query["count"], options.Value.DefaultShowCount) is not { } count)
        {
            return BadRequest($"count must be a whole number from 1 to {ShowCount.Max}, not '{Truncate(request.Query["count"].ToString())}'.");
        }
        return Admit(request.HttpContext, admission, limits.Value, out var lease) is { } refused
            ? refused
            : new EventStreamResult(streams.Show(count), lease);
    }

    /// <summary>Null when the stream may open (with its lease), else the refusal to send.</summary>
    private static RetryLaterStreamResult? Admit(HttpContext context, StreamAdmission admission, WebLimitOptions limits, out IDisposable? lease)
    {
        lease = admission.TryAdmit(ClientAddress.Key(context), out var refusal);
        return refusal switch
        {
            StreamRefusal.GatewayFull => new RetryLaterStreamResult($"This gateway holds its maximum of {limits.MaxStreams} streams; retrying."),
            StreamRefusal.AddressFull => new RetryLaterStreamResult($"At most {limits.MaxStreamsPerAddress} open streams per client address; retrying."),
            _ => null,
        };
    }

    private static ProblemHttpResult BadRequest(string detail) =>
        TypedResults.Problem(detail: detail, statusCode: StatusCodes.Status400BadRequest, title: "Invalid stream request");

    private static string Truncate(string value) => value.Length <= 40 ? value : value[..40] + "…";
}
