using System.Text.Json;
using System.Text.Json.Serialization;

namespace CowAspire.Contracts;

/// <summary>A published quote as it travels on the Redis channel and sits in history.</summary>
/// <param name="V">Envelope version; a reader rejects versions it does not know instead of guessing.</param>
/// <param name="Id">Monotonic id from Redis INCR, within its epoch.</param>
/// <param name="Epoch">The lifetime of Redis's data the id belongs to (<see cref="QuoteKeys.Epoch"/>).</param>
/// <param name="TraceParent">The publish span's W3C trace context (pub/sub has no headers), so each gateway's fan-out joins its trace.</param>
public sealed record QuoteEnvelope(
    [property: JsonPropertyName("v")] int V,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("publishedAt")] DateTimeOffset PublishedAt,
    [property: JsonPropertyName("epoch")] string Epoch,
    [property: JsonPropertyName("traceparent"), JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)] string? TraceParent = null)
{
    /// <summary>2 added the epoch: a version-1 envelope has ids that cannot be placed in an epoch.</summary>
    public const int CurrentVersion = 2;

    /// <summary>The SSE event id: <see cref="QuoteEventId"/>.</summary>
    [JsonIgnore]
    public string EventId => QuoteEventId.Format(Id, Epoch);

    /// <summary>
    /// The one reader of envelopes: null for anything that is not a current-version envelope with an id, a text and an
    /// epoch (another version, damaged, or not ours), which every reader treats as absent.
    /// </summary>
    public static QuoteEnvelope? Parse(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return null;
        }
        try
        {
            var quote = JsonSerializer.Deserialize(json, QuoteEnvelopeJsonContext.Default.QuoteEnvelope);
            return quote is { V: CurrentVersion, Id: > 0, Text: not null, Epoch.Length: > 0 } ? quote : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
