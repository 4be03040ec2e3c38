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
