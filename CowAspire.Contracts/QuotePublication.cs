namespace CowAspire.Contracts;

/// <summary>One quote to publish, with what the publish script needs to know about it.</summary>
/// <param name="HistoryLength">How many quotes history keeps (XADD MAXLEN).</param>
/// <param name="IdempotencyKey">Makes the publish idempotent for <paramref name="IdempotencyKeyLifetime"/>; null for none.</param>
/// <param name="AwaitsAcknowledgement">
/// True when the quote must be acknowledged (replicas confirm it) before it is announced with
/// <see cref="QuotePublishScript.AnnounceAsync"/>; false to announce it as it is written.
/// </param>
/// <param name="TraceParent">The publish span's W3C trace context, carried in the envelope; null when nothing is traced.</param>
public sealed record QuotePublication(
    string Text,
    DateTimeOffset PublishedAt,
    int HistoryLength,
    string? IdempotencyKey = null,
    TimeSpan IdempotencyKeyLifetime = default,
    string? TraceParent = null,
    bool AwaitsAcknowledgement = false);
