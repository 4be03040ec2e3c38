using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Telemetry;

/// <summary>A test against the telemetry app and its dashboard, with every resource's output in the test's output.</summary>
[Collection(TelemetryCollection.Name)]
public abstract class TelemetryTest(TelemetryAppFixture fixture, ITestOutputHelper output) : FixtureTest<TelemetryAppFixture>(fixture, output)
{
    private DashboardTelemetry? _dashboard;

    protected DashboardTelemetry Dashboard => _dashboard ?? throw new InvalidOperationException("The dashboard is not connected yet.");

    public override async ValueTask InitializeAsync() => _dashboard = await DashboardTelemetry.ConnectAsync(Fixture.App, Cancellation);

    public override async ValueTask DisposeAsync()
    {
        _dashboard?.Dispose();
        await base.DisposeAsync();
        GC.SuppressFinalize(this);
    }
}
