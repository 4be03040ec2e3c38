using System.ComponentModel.DataAnnotations;

namespace CowAspire.Api.Quotes;

/// <summary>The <c>Quotes</c> configuration section.</summary>
public sealed class QuoteOptions
{
    public const string SectionName = "Quotes";

    /// <summary>How often the producer publishes the next catalog quote.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "01:00:00")]
    public TimeSpan PublishInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How many published quotes Redis keeps for clients that resume with Last-Event-ID.</summary>
    [Range(10, 1_000_000)]
    public int HistoryLength { get; set; } = 1000;

    /// <summary>Upper bound on the catalog, so submitted quotes cannot grow the producer's memory without end.</summary>
    [Range(1, 1_000_000)]
    public int MaxCatalogSize { get; set; } = 1000;

    /// <summary>
    /// Replicas that must hold a quote before it is acknowledged (Redis WAIT). Null: 1 when Redis is reached through
    /// Sentinel (a failover must not lose an acknowledged quote), else 0.
    /// </summary>
    [Range(0, 16)]
    public int? MinReplicasToAcknowledge { get; set; }

    /// <summary>How long Redis remembers a publish by its Idempotency-Key, so a retry within it returns the first quote.</summary>
    [Range(typeof(TimeSpan), "00:00:01", "7.00:00:00")]
    public TimeSpan IdempotencyKeyLifetime { get; set; } = TimeSpan.FromHours(24);

    /// <summary>How long a publish waits for those replicas before it is refused.</summary>
    [Range(typeof(TimeSpan), "00:00:00.010", "00:00:30")]
    public TimeSpan ReplicationTimeout { get; set; } = TimeSpan.FromSeconds(1);
}
