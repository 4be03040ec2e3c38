using System.Net.Http.Json;
using System.Text.Json;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Telemetry;

public class ResourceDetailsTests(TelemetryAppFixture fixture, ITestOutputHelper output) : TelemetryTest(fixture, output)
{
    [Fact]
    public async Task EachReplicaIsToldToExportToTheDashboardAsAspireDoes()
    {
        var details = await Dashboard.Api.GetFromJsonAsync<JsonElement>("/api/resources/web-1/details", Cancellation);

        var environment = details.GetProperty("environment").EnumerateArray()
            .ToDictionary(v => v.GetProperty("name").GetString()!, v => v.GetProperty("value").GetString());
        Assert.Equal("web", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=web-1", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal(Dashboard.Info.OtlpGrpcUrl, environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("grpc", environment["OTEL_EXPORTER_OTLP_PROTOCOL"]);
        Assert.Equal($"x-otlp-api-key={Dashboard.Info.OtlpApiKey}", environment["OTEL_EXPORTER_OTLP_HEADERS"]);
        Assert.Equal(("1000", "1000", "1000"), (environment["OTEL_BSP_SCHEDULE_DELAY"], environment["OTEL_BLRP_SCHEDULE_DELAY"], environment["OTEL_METRIC_EXPORT_INTERVAL"]));
        Assert.Equal(["api", "redis"], details.GetProperty("references").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal(["api"], details.GetProperty("waitsFor").EnumerateArray().Select(r => r.GetString()));
        Assert.Equal("Healthy", Assert.Single(details.GetProperty("healthReports").EnumerateArray()).GetProperty("status").GetString());
        Assert.Equal("web-1", details.GetProperty("summary").GetProperty("name").GetString());
    }

    [Fact]
    public async Task DetailsOfAnUnknownResourceAreNotFound()
    {
        using var response = await Dashboard.Api.GetAsync("/api/resources/web-7/details", Cancellation);

        Assert.Equal(HttpStatusCode.NotFound, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task ServicesExportOverOtlpHttpWhenToldTo()
    {
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>(
            ["--Dashboard:Otlp:Protocol=http/protobuf"], (options, _) => options.DisableDashboard = false, Cancellation);
        await using var app = await appHost.BuildAsync(Cancellation);
        await app.StartAsync(Cancellation);
        using var dashboard = new DashboardTelemetry(app.Services.GetRequiredService<CowAspire.Dashboard.DashboardInfo>());

        var api = await app.ResourceNotifications.WaitForResourceAsync("api", e => e.Snapshot.State?.Text == KnownResourceStates.Running, Waits.Within());
        var logs = await dashboard.UntilAsync("/api/telemetry/logs?resource=api", answer => OtlpJsonReading.Logs(answer["data"]).Any(),
            "the api's logs arrive over OTLP/HTTP", Cancellation);

        var environment = api.Snapshot.EnvironmentVariables.ToDictionary(v => v.Name, v => v.Value);
        Assert.Equal(("http/protobuf", dashboard.Info.OtlpHttpUrl), (environment["OTEL_EXPORTER_OTLP_PROTOCOL"], environment["OTEL_EXPORTER_OTLP_ENDPOINT"]));
        Assert.All(OtlpJsonReading.Logs(logs["data"]), l => Assert.Equal("api", l.Service));
    }

    [Theory]
    [InlineData(true)]
    [InlineData(false)]
    public async Task WithoutTheDashboardOrWithItsExportOffNothingIsToldToExport(bool dashboard)
    {
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>(
            ["--Dashboard:Otlp:Enabled=false"], (options, _) => options.DisableDashboard = !dashboard, Cancellation);
        await using var app = await appHost.BuildAsync(Cancellation);
        await app.StartAsync(Cancellation);

        var api = await app.ResourceNotifications.WaitForResourceAsync("api", e => e.Snapshot.State?.Text == KnownResourceStates.Running, Waits.Within());

        var names = api.Snapshot.EnvironmentVariables.Select(v => v.Name).ToList();
        Assert.Contains("OTEL_SERVICE_NAME", names);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_ENDPOINT", names);
        Assert.DoesNotContain("OTEL_EXPORTER_OTLP_HEADERS", names);
    }
}
