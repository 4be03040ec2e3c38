namespace CowAspire.Contracts;

/// <summary>The fixed bounds of a quote request: part of the contract, so not configuration.</summary>
public static class QuoteLimits
{
    /// <summary>A quote's text, in Unicode scalar values.</summary>
    public const int MaxTextLength = 280;

    /// <summary>Room for <see cref="MaxTextLength"/> characters of any script, JSON escaping included, and nothing more.</summary>
    public const int MaxBodyBytes = 4096;

    /// <summary>An Idempotency-Key is 1 to this many visible ASCII characters.</summary>
    public const int MaxIdempotencyKeyLength = 255;

    public static bool IsIdempotencyKey(string key) =>
        key.Length is > 0 and <= MaxIdempotencyKeyLength && key.All(c => c is > ' ' and <= '~');
}
