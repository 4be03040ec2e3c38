using System.Diagnostics.Metrics;

namespace CowAspire.ServiceDefaults.Telemetry;

/// <summary>
/// How the fan-out is doing, beside <c>GatewayMetrics</c> (streams open, quotes fanned out, streams cut off): quotes
/// published, deliveries, resumes and backfills, and the time from publish to the write on a client's stream.
/// </summary>
public sealed class QuoteMetrics
{
    private readonly Counter<long> _published;
    private readonly Counter<long> _deliveries;
    private readonly Counter<long> _resumes;
    private readonly Counter<long> _backfilled;
    private readonly Histogram<double> _publishToWrite;

    public QuoteMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory owns and disposes the meters it creates; the same name as GatewayMetrics' gives the same meter.
        var meter = meterFactory.Create(TelemetryExtensions.SourceName);
        _published = meter.CreateCounter<long>("cowaspire.quotes.published", "{quote}", "Quotes published to Redis");
        _deliveries = meter.CreateCounter<long>("cowaspire.gateway.deliveries", "{delivery}", "Quotes queued to client streams");
        _resumes = meter.CreateCounter<long>("cowaspire.gateway.resumes", "{stream}", "Streams that resumed after a Last-Event-ID");
        _backfilled = meter.CreateCounter<long>("cowaspire.gateway.backfilled", "{quote}", "Quotes read from history: for resuming clients or to fill a gap on the channel");
        _publishToWrite = meter.CreateHistogram<double>("cowaspire.gateway.publish_to_write", "ms", "From the quote's publish to its write on a client's stream",
            advice: new InstrumentAdvice<double> { HistogramBucketBoundaries = [1, 2, 5, 10, 20, 50, 100, 200, 500, 1000, 2000, 5000] });
    }

    public void Published() => _published.Add(1);

    /// <summary>One fan-out of one quote to <paramref name="clients"/> streams: one call per quote, not per client.</summary>
    public void Delivered(int clients) => _deliveries.Add(clients);

    public void Resumed() => _resumes.Add(1);

    /// <param name="reason"><c>resume</c> (a client's Last-Event-ID) or <c>gap</c> (ids missing on the channel).</param>
    public void Backfilled(int quotes, string reason) => _backfilled.Add(quotes, new KeyValuePair<string, object?>("reason", reason));

    public void PublishToWrite(DateTimeOffset publishedAt, DateTimeOffset writtenAt) =>
        _publishToWrite.Record(Math.Max(0, (writtenAt - publishedAt).TotalMilliseconds));
}
