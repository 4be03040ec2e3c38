using System.Text.Json.Serialization;

namespace CowAspire.ServiceDefaults.Contracts;

/// <summary>
/// A published quote as it travels on the Redis channel and sits in history. It lives here because the
/// producer and the gateway must agree on it byte for byte, and this is the one library both reference.
/// </summary>
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
}

[JsonSerializable(typeof(QuoteEnvelope))]
public sealed partial class QuoteEnvelopeJsonContext : JsonSerializerContext;
