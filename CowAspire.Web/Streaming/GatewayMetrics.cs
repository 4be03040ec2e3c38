using System.Diagnostics.Metrics;
using CowAspire.ServiceDefaults.Telemetry;

namespace CowAspire.Web.Streaming;

/// <summary>
/// How the fan-out is doing, exported with the rest of the gateway's OpenTelemetry metrics: streams open and cut off,
/// quotes fanned out and deliveries, resumes and backfills, and the time from publish to the write on a client's stream.
/// </summary>
public sealed class GatewayMetrics
{
    /// <summary>
    /// One stream in this many records its writes' publish-to-write time: recording every delivery puts the histogram's
    /// aggregator and a clock read on every write of every stream (<c>bench --profile</c> shows its share), while a fixed
    /// share of the streams still gives the distribution, and the first stream is always among them.
    /// </summary>
    public const int WriteSampleEvery = 16;

    private long _streamsSeen;
    private readonly UpDownCounter<long> _streams;
    private readonly Counter<long> _quotes;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _overflows;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _backfilled;
    private readonly Histogram<double> _publishToWrite;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory owns and disposes the meters it creates.
        var meter = meterFactory.Create(TelemetryExtensions.SourceName);
        _streams = meter.CreateUpDownCounter<long>("cowaspire.gateway.streams", description: "Open event streams");
        _quotes = meter.CreateCounter<long>("cowaspire.gateway.quotes", description: "Quotes fanned out");
        _deliveries = meter.CreateCounter<long>("cowaspire.gateway.deliveries", "{delivery}", "Quotes offered to client streams (written at once, or queued behind a pending flush)");
        _overflows = meter.CreateCounter<long>("cowaspire.gateway.overflows", description: "Streams cut off because the client fell behind");
        _resumes = meter.CreateCounter<long>("cowaspire.gateway.resumes", "{stream}", "Streams that resumed after a Last-Event-ID");
        _backfilled = meter.CreateCounter<long>("cowaspire.gateway.backfilled", "{quote}", "Quotes read from history: for resuming clients or to fill a gap on the channel");
        _publishToWrite = meter.CreateHistogram<double>("cowaspire.gateway.publish_to_write", "ms", "From the quote's publish to its write on a client's stream (one stream in 16)",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });
    }

    public void StreamOpened() => _streams.Add(1);

    public void StreamClosed(bool overflowed)
    {
        _streams.Add(-1);
        if (overflowed)
        {
            _overflows.Add(1);
        }
    }

    /// <summary>One fan-out of one quote to <paramref name="clients"/> streams: one call per quote, not per client.</summary>
    public void QuoteBroadcast(int clients)
    {
        _quotes.Add(1);
        _deliveries.Add(clients);
    }

    public void Resumed() => _resumes.Add(1);

    /// <param name="reason"><c>resume</c> (a client's Last-Event-ID) or <c>gap</c> (ids missing on the channel).</param>
    public void Backfilled(int quotes, string reason) => _backfilled.Add(quotes, new KeyValuePair<string, object?>("reason", reason));

    /// <summary>Whether the stream opening now records its writes' latency (see <see cref="WriteSampleEvery"/>).</summary>
    public bool SampleThisStream() => (Interlocked.Increment(ref _streamsSeen) - 1) % WriteSampleEvery == 0;

    public void PublishToWrite(DateTimeOffset publishedAt, DateTimeOffset writtenAt) =>
        _publishToWrite.Record(Math.Max(0, (writtenAt - publishedAt).TotalMilliseconds));
}
