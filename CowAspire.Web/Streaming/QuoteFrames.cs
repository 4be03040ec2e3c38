using System.Globalization;
using System.Text.Json;
using CowAspire.Contracts;
using CowAspire.Web.Rendering;

namespace CowAspire.Web.Streaming;

/// <summary>The events this gateway sends, by name.</summary>
public static class QuoteFrames
{
    /// <summary>
    /// Quotes are unnamed events, which EventSource dispatches as <c>message</c>: the post's plain client
    /// (<c>onmessage</c>) sees them, htmx swaps them with <c>sse-swap="message"</c>, and one encoding serves both the
    /// show and the live feed. Control events keep names, so <c>onmessage</c> never mistakes one for a quote.
    /// </summary>
    public const string QuoteEvent = "message";

    /// <summary>Ends a show: the page closes its EventSource on it instead of reconnecting.</summary>
    public const string CloseEvent = "closeStream";

    /// <summary>History no longer reaches back to the id the client resumed from: some quotes are gone for it.</summary>
    public const string HistoryGapEvent = "historyGap";

    /// <summary>
    /// The client's Last-Event-ID is of an epoch Redis no longer has, or ahead of the newest id: what follows
    /// continues from <c>after</c> in <c>epoch</c>.
    /// </summary>
    public const string ResetEvent = "reset";

    /// <summary>A quote, as the HTML fragment the page swaps in; its SSE id is <c>{id}-{epoch}</c>.</summary>
    public static EventFrame Quote(QuoteEnvelope quote) =>
        SseFrames.Event(null, QuoteHtml.Render(quote), quote.EventId) with { QuoteId = quote.Id, Epoch = quote.Epoch, PublishedAt = quote.PublishedAt };

    public static EventFrame Close(int delivered) =>
        SseFrames.Event(CloseEvent, string.Create(CultureInfo.InvariantCulture, $$"""{"delivered":{{delivered}}}"""));

    public static EventFrame HistoryGap(long requestedAfter, long? resumedFrom) =>
        SseFrames.Event(HistoryGapEvent, JsonSerializer.Serialize(
            new HistoryGap(requestedAfter, resumedFrom), StreamingJsonContext.Default.HistoryGap));

    /// <summary>
    /// Carries the id the client is now at (<c>{after}-{epoch}</c>), so a client that resumes after it is where this
    /// stream left it.
    /// </summary>
    public static EventFrame Reset(string epoch, long after, string reason) =>
        SseFrames.Event(ResetEvent, JsonSerializer.Serialize(new Reset(epoch, after, reason), StreamingJsonContext.Default.Reset),
            QuoteEventId.Format(after, epoch)) with { Epoch = epoch };
}
