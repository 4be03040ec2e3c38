namespace CowAspire.Api.Quotes;

/// <summary>An Idempotency-Key already published a different quote.</summary>
public sealed class IdempotencyKeyReusedException(string key, long id)
    : Exception($"Idempotency-Key '{key}' already published quote {id}, with a different text.")
{
    public long Id { get; } = id;
}
