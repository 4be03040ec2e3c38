using System.Diagnostics.Metrics;
using CowAspire.ServiceDefaults.Telemetry;

namespace CowAspire.Web.Streaming;

/// <summary>The gateway's own instruments, exported with the rest of its OpenTelemetry metrics.</summary>
public sealed class GatewayMetrics
{
    private readonly UpDownCounter<long> _streams;
    private readonly Counter<long> _quotes;
    private readonly Counter<long> _overflows;

    public GatewayMetrics(IMeterFactory meterFactory)
    {
        // The factory owns and disposes the meters it creates.
        var meter = meterFactory.Create(TelemetryExtensions.SourceName);
        _streams = meter.CreateUpDownCounter<long>("cowaspire.gateway.streams", description: "Open event streams");
        _quotes = meter.CreateCounter<long>("cowaspire.gateway.quotes", description: "Quotes fanned out");
        _overflows = meter.CreateCounter<long>("cowaspire.gateway.overflows", description: "Streams cut off because the client fell behind");
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

    public void QuoteBroadcast() => _quotes.Add(1);
}
