using System.Diagnostics;

namespace CowAspire.Contracts;

/// <summary>
/// The spans of a quote's way through Redis, so that one trace shows the POST, the publish and the fan-out on every
/// gateway replica. The publish span's W3C trace context rides in the quote envelope (Redis pub/sub has no headers);
/// each replica's fan-out span is its child. One span per quote per replica, never one per client delivery.
/// </summary>
public static class QuoteTracing
{
    /// <summary>The activity source of these spans: each service adds it to its tracer provider.</summary>
    public const string SourceName = "CowAspire.Quotes";

    private static readonly ActivitySource Source = new(SourceName);

    /// <summary>The producer span around the publish script (INCR, XADD, PUBLISH), as OpenTelemetry's messaging conventions name it.</summary>
    public static Activity? StartPublish()
    {
        const string channel = QuoteKeys.ChannelName;
        var activity = Source.StartActivity($"publish {channel}", ActivityKind.Producer);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "send");
        activity?.SetTag("messaging.destination.name", channel);
        return activity;
    }

    /// <summary>What to put in the envelope: the span's <c>traceparent</c> (W3C), or null when nothing is traced.</summary>
    public static string? TraceParentOf(Activity? activity) =>
        activity is { IdFormat: ActivityIdFormat.W3C } ? activity.Id : null;

    /// <summary>
    /// The consumer span of one gateway replica handing one quote to its clients, a child of the publish span whose
    /// <paramref name="traceParent"/> the envelope carried; without one (an older publisher, or none sampled) a root.
    /// </summary>
    public static Activity? StartFanOut(string? traceParent, long quoteId, int clients)
    {
        const string channel = QuoteKeys.ChannelName;
        ActivityContext.TryParse(traceParent, null, isRemote: true, out var parent);
        var activity = Source.StartActivity($"process {channel}", ActivityKind.Consumer, parent);
        activity?.SetTag("messaging.system", "redis");
        activity?.SetTag("messaging.operation.type", "process");
        activity?.SetTag("messaging.destination.name", channel);
        activity?.SetTag("messaging.message.id", quoteId);
        activity?.SetTag("cowaspire.clients", clients);
        return activity;
    }

    /// <summary>Marks a span failed with the exception's message (OpenTelemetry's error status), for the dashboard's error filters.</summary>
    public static void Failed(this Activity? activity, Exception exception)
    {
        ArgumentNullException.ThrowIfNull(exception);
        activity?.SetStatus(ActivityStatusCode.Error, exception.Message);
        activity?.SetTag("error.type", exception.GetType().FullName);
    }
}
