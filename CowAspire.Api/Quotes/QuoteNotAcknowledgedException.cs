namespace CowAspire.Api.Quotes;

/// <summary>
/// The quote was written but not acknowledged, so it was not announced to any client: its outcome is unknown until a
/// retry with the same Idempotency-Key (which waits for the acknowledgement again).
/// </summary>
public sealed class QuoteNotAcknowledgedException(long id, string reason)
    : Exception($"Quote {id} is not acknowledged: {reason}.")
{
    public long Id { get; } = id;
}
