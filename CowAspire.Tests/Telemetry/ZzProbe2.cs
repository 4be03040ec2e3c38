namespace CowAspire.Tests.Telemetry;

public class ZzProbe2(ITestOutputHelper output)
{
    [Theory]
    [InlineData("all")]
    [InlineData("noaspnetcoreurls")]
    [InlineData("noresourceservice")]
    [InlineData("localhost")]
    public async Task Probe(string variant)
    {
        var ct = TestContext.Current.CancellationToken;
        output.WriteLine("env ASPNETCORE_URLS=" + Environment.GetEnvironmentVariable("ASPNETCORE_URLS"));
        var host = variant == "localhost" ? "localhost" : "127.0.0.1";
        var args = new List<string> { "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true", $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://{host}:{FreePort()}" };
        if (variant != "noaspnetcoreurls") args.Add($"--ASPNETCORE_URLS=http://{host}:{FreePort()}");
        if (variant != "noresourceservice") args.Add($"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://{host}:{FreePort()}");
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>([.. args], (o, _) => o.DisableDashboard = false, ct);
        await using var app = await appHost.BuildAsync(ct);
        using var cts = CancellationTokenSource.CreateLinkedTokenSource(ct);
        cts.CancelAfter(TimeSpan.FromSeconds(60));
        try
        {
            await app.StartAsync(cts.Token);
            output.WriteLine("started");
        }
        catch (Exception ex)
        {
            output.WriteLine("failed: " + ex.GetType().Name + " " + ex.Message);
            throw;
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
