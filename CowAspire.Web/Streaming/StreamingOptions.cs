using System.ComponentModel.DataAnnotations;

namespace CowAspire.Web.Streaming;

/// <summary>The <c>Streaming</c> configuration section.</summary>
public sealed class StreamingOptions
{
    public const string SectionName = "Streaming";

    /// <summary>Frames a client may fall behind before the gateway ends its stream (it resumes from history).</summary>
    [Range(1, 100_000)]
    public int ClientQueueCapacity { get; set; } = 256;

    /// <summary>How often idle streams get a comment line, so proxies keep them open.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan HeartbeatInterval { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The <c>retry:</c> hint: how long a browser waits before it reconnects.</summary>
    [Range(typeof(TimeSpan), "00:00:00.100", "00:10:00")]
    public TimeSpan ReconnectDelay { get; set; } = TimeSpan.FromSeconds(2);

    /// <summary>
    /// HTTP/2 streams one connection may hold open (Kestrel's default is 100): a page with many shows and a
    /// load test multiplex all their event streams on one connection.
    /// </summary>
    [Range(1, 100_000)]
    public int MaxStreamsPerConnection { get; set; } = 1000;

    /// <summary>
    /// Quotes read from history at a time when a client resumes (or a gateway backfills): what one replay holds in
    /// memory, whatever <c>Quotes:HistoryLength</c> is. Capped at <see cref="ClientQueueCapacity"/>.
    /// </summary>
    [Range(1, 10_000)]
    public int ReplayPageSize { get; set; } = 100;

    /// <summary>Quotes in a show when the request names no count.</summary>
    [Range(1, 100)]
    public int DefaultShowCount { get; set; } = 10;
}
