namespace CowAspire.Contracts;

/// <param name="Replayed">True when an earlier publish with the same Idempotency-Key is returned instead.</param>
public sealed record QuotePublishOutcome(QuoteEnvelope Quote, bool Replayed);
