using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Telemetry;

/// <summary>
/// An app of its own for the telemetry tests: they count open streams and flood the store, so no other test's
/// streams or spans may be in it.
/// </summary>
public sealed class TelemetryAppFixture : AppFixture;

[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryAppFixture>
{
    public const string Name = "Telemetry";
}

/// <summary>A test against the telemetry app, with every resource's output in the test's output.</summary>
[Collection(TelemetryCollection.Name)]
public abstract class TelemetryTest : IDisposable
{
    private readonly IDisposable _logs;

    protected TelemetryTest(TelemetryAppFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        _logs = fixture.Logs.Attach(output);
        Dashboard = new DashboardTelemetry(fixture.App.Services.GetRequiredService<CowAspire.Dashboard.DashboardInfo>());
    }

    protected TelemetryAppFixture Fixture { get; }

    protected DashboardTelemetry Dashboard { get; }

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        Dashboard.Dispose();
        _logs.Dispose();
        GC.SuppressFinalize(this);
    }
}
