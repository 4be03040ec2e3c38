using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Telemetry;

public class ResourceDetailsTests(TelemetryAppFixture fixture, ITestOutputHelper output) : TelemetryTest(fixture, output)
{
    [Fact]
    public void EachReplicaIsToldToExportToTheDashboardAsItsOwnInstance()
    {
        var environments = Fixture.WebReplicas
            .Select(id => Replicas.Snapshot(Fixture.App, id).EnvironmentVariables.GroupBy(v => v.Name).ToDictionary(g => g.Key, g => g.Last().Value))
            .ToList();

        Assert.All(environments, environment =>
        {
            Assert.Equal(Dashboard.OtlpGrpcUrl, new Uri(environment["OTEL_EXPORTER_OTLP_ENDPOINT"]!));
            Assert.Equal($"x-otlp-api-key={Dashboard.OtlpApiKey}", environment["OTEL_EXPORTER_OTLP_HEADERS"]);
            Assert.Equal("web", environment["OTEL_SERVICE_NAME"]);
        });
        // The dashboard tells replicas apart by service.instance.id: each is its resource's own id.
        Assert.Equal(Fixture.WebReplicas, environments.Select(e => $"{e["OTEL_SERVICE_NAME"]}-{InstanceId(e["OTEL_RESOURCE_ATTRIBUTES"])}"));
    }

    private static string? InstanceId(string? resourceAttributes) =>
        resourceAttributes?.Split(',').Select(a => a.Split('=', 2)).FirstOrDefault(a => a[0] == "service.instance.id")?[1];
}
