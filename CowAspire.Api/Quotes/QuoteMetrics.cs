using System.Diagnostics.Metrics;
using CowAspire.ServiceDefaults.Telemetry;

namespace CowAspire.Api.Quotes;

/// <summary>The producer's instrument; what the gateways do with a quote is counted by theirs (<c>GatewayMetrics</c>).</summary>
public sealed class QuoteMetrics
{
    private readonly Counter<long> _published;

    public QuoteMetrics(IMeterFactory meterFactory)
    {
        ArgumentNullException.ThrowIfNull(meterFactory);
        // The factory owns and disposes the meters it creates.
        var meter = meterFactory.Create(TelemetryExtensions.SourceName);
        _published = meter.CreateCounter<long>("cowaspire.quotes.published", "{quote}", "Quotes published to Redis");
    }

    public void Published() => _published.Add(1);
}
