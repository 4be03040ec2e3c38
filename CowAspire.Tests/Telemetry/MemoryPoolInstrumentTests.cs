using System.Diagnostics.Metrics;
using CowAspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry.Metrics;

namespace CowAspire.Tests.Telemetry;

/// <summary>
/// Kestrel's memory pool records <c>pooled</c> and <c>rented</c> on every block it hands out and takes back, so a
/// service exporting them pays for it on every event written to every stream. The service defaults leave those two
/// unrecorded (their instruments stay disabled, so the pool skips them) and keep the pool's growth and shrinking.
/// </summary>
public class MemoryPoolInstrumentTests
{
    [Fact]
    public async Task OnlyThePoolsGrowthAndShrinkingAreRecorded()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var builder = Host.CreateApplicationBuilder();
        // A collector is named, as the AppHost names the dashboard's, so the service has a reader. No interval passes
        // in the test; the one export at shutdown goes to the discard port on loopback and is refused at once.
        builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] = "http://127.0.0.1:9";
        builder.Configuration["OTEL_METRIC_EXPORT_INTERVAL"] = "3600000";
        builder.ConfigureOpenTelemetry();
        using var host = builder.Build();
        await host.StartAsync(cancellation);
        Assert.NotNull(host.Services.GetService<MeterProvider>());

        // Kestrel's meter, by name: OpenTelemetry chooses what to record by meter and instrument name.
        using var meter = new Meter("Microsoft.AspNetCore.MemoryPool");
        var expected = new Dictionary<string, bool> { ["pooled"] = false, ["rented"] = false, ["allocated"] = true, ["evicted"] = true };
        var recorded = expected.Keys.ToDictionary(
            name => name,
            name => meter.CreateCounter<long>($"aspnetcore.memory_pool.{name}").Enabled);

        Assert.Equal(expected, recorded);
        await host.StopAsync(cancellation);
    }
}
