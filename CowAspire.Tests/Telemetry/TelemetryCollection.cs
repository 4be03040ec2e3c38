namespace CowAspire.Tests.Telemetry;

[CollectionDefinition(Name)]
public sealed class TelemetryCollection : ICollectionFixture<TelemetryAppFixture>
{
    public const string Name = "Telemetry";
}
