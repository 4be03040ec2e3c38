namespace CowAspire.Contracts;

/// <summary>The HTTP headers of publishing a quote, on the Api and on the gateway that forwards to it.</summary>
public static class QuoteHeaders
{
    /// <summary>The request header that makes a publish idempotent (the IETF httpapi draft's name).</summary>
    public const string IdempotencyKey = "Idempotency-Key";

    /// <summary>Set to <c>true</c> on an answer that is the first publish's, returned again for a retry.</summary>
    public const string Replayed = "Idempotent-Replayed";
}
