using System.ComponentModel.DataAnnotations;

namespace CowAspire.Web.Limits;

/// <summary>
/// The <c>Limits</c> configuration section: caps against abuse. Per-address limits key on the address Kestrel sees;
/// behind a TCP proxy (the AppHost's front door) that is the proxy's, so there they act as shared limits.
/// </summary>
public sealed class LimitOptions
{
    public const string SectionName = "Limits";

    /// <summary>Open event streams per gateway process; beyond it new streams get 503 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 10_000;

    /// <summary>Open event streams per client address; beyond it new streams get 429 with Retry-After.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreamsPerAddress { get; set; } = 1_000;

    /// <summary>Quotes a client address may submit at once (token bucket size).</summary>
    [Range(1, 100_000)]
    public int QuoteBurst { get; set; } = 30;

    /// <summary>Quotes per second a client address may submit once its burst is spent.</summary>
    [Range(1, 100_000)]
    public int QuotesPerSecond { get; set; } = 5;

    /// <summary>The Retry-After given with a refusal.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
