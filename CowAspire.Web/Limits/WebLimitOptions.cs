using System.ComponentModel.DataAnnotations;

namespace CowAspire.Web.Limits;

/// <summary>
/// The <c>WebLimits</c> configuration section: caps against abuse. Per-address limits key on the address Kestrel sees
/// (IPv6: its /64); behind a TCP proxy (DCP's, in front of the replicas) that is the proxy's, so there they act as shared
/// limits. Stream caps are per gateway process (they guard its memory); the quote limit is one bucket per client in
/// Redis, shared by every replica.
/// </summary>
public sealed class WebLimitOptions
{
    public const string SectionName = "WebLimits";

    /// <summary>Open event streams per gateway process; beyond it new streams are told to retry later (200 with retry:).</summary>
    [Range(1, 1_000_000)]
    public int MaxStreams { get; set; } = 10_000;

    /// <summary>Open event streams per client address in one gateway; beyond it new streams are told to retry later.</summary>
    [Range(1, 1_000_000)]
    public int MaxStreamsPerAddress { get; set; } = 1_000;

    /// <summary>Quotes a client address may submit at once (token bucket size).</summary>
    [Range(1, 100_000)]
    public int QuoteBurst { get; set; } = 30;

    /// <summary>Quotes per second a client address may submit once its burst is spent.</summary>
    [Range(0.001, 100_000)]
    public double QuotesPerSecond { get; set; } = 5;

    /// <summary>The Retry-After given with a refusal.</summary>
    [Range(1, 3600)]
    public int RetryAfterSeconds { get; set; } = 2;
}
