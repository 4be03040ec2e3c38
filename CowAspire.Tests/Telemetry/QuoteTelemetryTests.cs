using System.Collections.Concurrent;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using CowAspire.Api.Quotes;
using CowAspire.Contracts;
using CowAspire.ServiceDefaults.Telemetry;
using CowAspire.Web.Streaming;

namespace CowAspire.Tests.Telemetry;

/// <summary>
/// The spans and instruments the services use around Redis, read with .NET's own listeners. (Redis commands' own spans
/// come from Aspire's instrumentation; which of them are kept is <see cref="RedisCommandSamplerTests"/>.)
/// </summary>
public sealed class QuoteTelemetryTests : IDisposable
{
    private readonly ActivityListener _listener;

    public QuoteTelemetryTests()
    {
        _listener = new ActivityListener
        {
            ShouldListenTo = source => source.Name == QuoteTracing.SourceName,
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
        };
        ActivitySource.AddActivityListener(_listener);
    }

    [Fact]
    public void FanOutOnAnotherProcessIsAChildOfThePublishThroughTheEnvelopesTraceParent()
    {
        string? traceParent;
        ActivityTraceId traceId;
        ActivitySpanId publishSpanId;
        using (var publish = QuoteTracing.StartPublish())
        {
            Assert.NotNull(publish);
            traceParent = QuoteTracing.TraceParentOf(publish);
            (traceId, publishSpanId) = (publish.TraceId, publish.SpanId);
        }
        Activity.Current = null;

        using var fanOut = QuoteTracing.StartFanOut(traceParent, quoteId: 42, clients: 3);

        Assert.Equal($"00-{traceId}-{publishSpanId}-01", traceParent);
        Assert.NotNull(fanOut);
        Assert.Equal((traceId, publishSpanId, ActivityKind.Consumer), (fanOut.TraceId, fanOut.ParentSpanId, fanOut.Kind));
        Assert.Equal(42L, fanOut.GetTagItem("messaging.message.id"));
        Assert.Equal(3, fanOut.GetTagItem("cowaspire.clients"));
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not a traceparent")]
    public void FanOutWithoutUsableTraceContextStartsItsOwnTrace(string? traceParent)
    {
        Activity.Current = null;

        using var fanOut = QuoteTracing.StartFanOut(traceParent, quoteId: 1, clients: 0);

        Assert.NotNull(fanOut);
        Assert.Equal(default, fanOut.ParentSpanId);
    }

    [Fact]
    public void QuoteMetricsRecordOnTheCowAspireMeter()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var producer = new QuoteMetrics(services.GetRequiredService<IMeterFactory>());
        var gateway = new GatewayMetrics(services.GetRequiredService<IMeterFactory>());
        var measured = new ConcurrentDictionary<string, double>();
        using var listener = new MeterListener
        {
            InstrumentPublished = (instrument, l) =>
            {
                if (instrument.Meter.Name == TelemetryExtensions.SourceName && instrument.Meter.Scope == services.GetRequiredService<IMeterFactory>())
                {
                    l.EnableMeasurementEvents(instrument);
                }
            },
        };
        listener.SetMeasurementEventCallback<long>((instrument, value, _, _) => measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.SetMeasurementEventCallback<double>((instrument, value, _, _) => measured.AddOrUpdate(instrument.Name, value, (_, sum) => sum + value));
        listener.Start();
        var published = DateTimeOffset.UtcNow;

        producer.Published();
        gateway.QuoteBroadcast(clients: 250);
        gateway.QuoteBroadcast(clients: 50);
        gateway.Resumed();
        gateway.Backfilled(7, "gap");
        gateway.PublishToWrite(published, published.AddMilliseconds(12.5));

        Assert.Equal(1, measured["cowaspire.quotes.published"]);
        Assert.Equal(300, measured["cowaspire.gateway.deliveries"]);
        Assert.Equal(1, measured["cowaspire.gateway.resumes"]);
        Assert.Equal(7, measured["cowaspire.gateway.backfilled"]);
        Assert.Equal(12.5, measured["cowaspire.gateway.publish_to_write"]);
    }

    [Fact]
    public void PublishToWriteIsSampledOnTheFirstStreamAndOneIn16AfterIt()
    {
        using var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var gateway = new GatewayMetrics(services.GetRequiredService<IMeterFactory>());

        var sampled = Enumerable.Range(0, 3 * GatewayMetrics.WriteSampleEvery).Where(_ => gateway.SampleThisStream()).Count();
        var next = gateway.SampleThisStream();

        Assert.Equal(3, sampled);
        Assert.True(next);
    }

    public void Dispose() => _listener.Dispose();
}
