using System.ComponentModel.DataAnnotations;

namespace CowAspire.Api.Limits;

/// <summary>
/// The <c>ApiLimits</c> section: its own <c>POST /quotes</c>, per caller address (IPv6: per /64), in a bucket shared
/// through Redis. A gateway forwards every one of its users' quotes, so for the Api a gateway is one caller: these
/// bound what all callers from one address may publish together.
/// </summary>
public sealed class ApiLimitOptions
{
    public const string SectionName = "ApiLimits";

    /// <summary>Quotes one caller address may publish at once (token bucket size).</summary>
    [Range(1, 1_000_000)]
    public int QuoteBurst { get; set; } = 100;

    /// <summary>Quotes per second one caller address may publish once its burst is spent.</summary>
    [Range(0.001, 1_000_000)]
    public double QuotesPerSecond { get; set; } = 50;

    /// <summary>The Retry-After given with a refusal.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
