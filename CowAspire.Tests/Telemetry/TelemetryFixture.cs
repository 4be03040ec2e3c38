using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Telemetry;

/// <summary>
/// An app of its own for the telemetry tests, with Aspire's dashboard, which receives the services' telemetry: no
/// other test's requests, streams or spans are in it.
/// </summary>
public sealed class TelemetryAppFixture : AppFixture
{
    protected override bool WithDashboard => true;
}

[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryAppFixture>
{
    public const string Name = "Telemetry";
}

/// <summary>A test against the telemetry app and its dashboard, with every resource's output in the test's output.</summary>
[Collection(TelemetryCollection.Name)]
public abstract class TelemetryTest : IAsyncLifetime
{
    private readonly IDisposable _logs;
    private DashboardTelemetry? _dashboard;

    protected TelemetryTest(TelemetryAppFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        _logs = fixture.Logs.Attach(output);
    }

    protected TelemetryAppFixture Fixture { get; }

    protected DashboardTelemetry Dashboard => _dashboard ?? throw new InvalidOperationException("The dashboard is not connected yet.");

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync() => _dashboard = await DashboardTelemetry.ConnectAsync(Fixture.App, Cancellation);

    public ValueTask DisposeAsync()
    {
        _dashboard?.Dispose();
        _logs.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
