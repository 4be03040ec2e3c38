using System.Text.Json.Serialization;

namespace CowAspire.ServiceDefaults.Contracts;

/// <summary>
/// A published quote as it travels on the Redis channel and sits in history. It lives here because the
/// producer and the gateway must agree on it byte for byte, and this is the one library both reference.
/// </summary>
/// <param name="V">Envelope version; a reader rejects versions it does not know instead of guessing.</param>
/// <param name="Id">Monotonic id from Redis INCR; the SSE event id.</param>
public sealed record QuoteEnvelope(
    [property: JsonPropertyName("v")] int V,
    [property: JsonPropertyName("id")] long Id,
    [property: JsonPropertyName("text")] string Text,
    [property: JsonPropertyName("publishedAt")] DateTimeOffset PublishedAt)
{
    public const int CurrentVersion = 1;
}

[JsonSerializable(typeof(QuoteEnvelope))]
public sealed partial class QuoteEnvelopeJsonContext : JsonSerializerContext;
