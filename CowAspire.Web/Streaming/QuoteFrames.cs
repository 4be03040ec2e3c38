using System.Globalization;
using System.Text.Json;
using CowAspire.ServiceDefaults.Contracts;
using CowAspire.Web.Rendering;

namespace CowAspire.Web.Streaming;

/// <summary>The events this gateway sends, by name.</summary>
public static class QuoteFrames
{
    /// <summary>A quote, as the HTML fragment the page swaps in; its SSE id is the quote id.</summary>
    public const string QuoteEvent = "quote";

    /// <summary>Ends a show: the page closes its EventSource on it instead of reconnecting.</summary>
    public const string CloseEvent = "closeStream";

    /// <summary>History no longer reaches back to the id the client resumed from: some quotes are gone for it.</summary>
    public const string HistoryGapEvent = "historyGap";

    public static EventFrame Quote(QuoteEnvelope quote) => SseFrames.Event(QuoteEvent, QuoteHtml.Render(quote), quote.Id);

    public static EventFrame Close(int delivered) =>
        SseFrames.Event(CloseEvent, string.Create(CultureInfo.InvariantCulture, $$"""{"delivered":{{delivered}}}"""));

    public static EventFrame HistoryGap(long requestedAfter, long? resumedFrom) =>
        SseFrames.Event(HistoryGapEvent, JsonSerializer.Serialize(
            new HistoryGap(requestedAfter, resumedFrom), StreamingJsonContext.Default.HistoryGap));
}

public sealed record HistoryGap(long RequestedAfter, long? ResumedFrom);

[System.Text.Json.Serialization.JsonSerializable(typeof(HistoryGap))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class StreamingJsonContext : System.Text.Json.Serialization.JsonSerializerContext;
