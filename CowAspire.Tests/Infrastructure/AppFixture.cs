using System.Globalization;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// The whole app, started once for a collection from the AppHost's own model: a real redis-server, the Api and
/// two Web replicas as processes on random ports, and the dashboard. Quotes come every 200 ms so shows finish quickly.
/// </summary>
public class AppFixture : IAsyncLifetime
{
    public static readonly TimeSpan PublishInterval = TimeSpan.FromMilliseconds(200);

    /// <summary>Short, so that a client can ask for more than history holds within a test.</summary>
    public const int HistoryLength = 50;

    private static readonly SemaphoreSlim s_oneStartAtATime = new(1, 1);

    private DistributedApplication? _app;

    public DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    public ResourceLogSink Logs { get; } = new();

    public async ValueTask InitializeAsync()
    {
        _app = await StartAsync(Logs, TestContext.Current.CancellationToken, Configure, dashboard: WithDashboard);
    }

    /// <summary>What a fixture of its own changes in the model (more environment, say).</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    /// <summary>Whether this fixture's app runs Aspire's dashboard (the telemetry tests read it); off, an app starts faster.</summary>
    protected virtual bool WithDashboard => false;

    /// <summary>Starts a fresh app from the AppHost's model, with the test settings, and waits until it serves.</summary>
    /// <param name="configure">Changes to the model for one test's app (more environment, say).</param>
    /// <param name="args">The AppHost's arguments, as on its command line (<c>--Redis:Sentinel:Enabled=true</c>).</param>
    /// <param name="dashboard">Runs Aspire's dashboard too, on ports of its own, so that apps started side by side do not collide.</param>
    public static async Task<DistributedApplication> StartAsync(
        ResourceLogSink logs, CancellationToken cancellationToken, Action<IDistributedApplicationTestingBuilder>? configure = null, string[]? args = null,
        bool dashboard = false)
    {
        string[] dashboardArgs = dashboard
            ?
            [
                $"--ASPNETCORE_URLS=http://127.0.0.1:{FreePort()}",
                $"--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:{FreePort()}",
                $"--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:{FreePort()}",
                "--ASPIRE_ALLOW_UNSECURED_TRANSPORT=true",
            ]
            : [];
        var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>(
            [.. args ?? [], .. dashboardArgs], (options, _) => options.DisableDashboard = !dashboard, cancellationToken);
        logs.AddTo(appHost.Services);
        TestHttp.ConfigureDefaults(appHost.Services);
        appHost.CreateResourceBuilder<ProjectResource>("api")
            .WithEnvironment("Quotes__PublishInterval", PublishInterval.ToString())
            // Both gateways forward as one caller (127.0.0.1), and tests publish straight to the Api too.
            .WithEnvironment("ApiLimits__QuoteBurst", "10000")
            .WithEnvironment("Quotes__HistoryLength", HistoryLength.ToString(CultureInfo.InvariantCulture));
        appHost.CreateResourceBuilder<ProjectResource>("web")
            .WithEnvironment("Streaming__HeartbeatInterval", "00:00:01")
            // Every test client comes from 127.0.0.1, so the per-address quota is raised here; LimitsTests checks it.
            .WithEnvironment("WebLimits__QuoteBurst", "10000");
        if (!dashboard)
        {
            // Aspire points services at the dashboard's OTLP endpoint even when no dashboard runs; an exporter with nowhere
            // to send retries, and holds a stopping service until its export times out. No dashboard, no export.
            foreach (var service in (string[])["api", "web"])
            {
                appHost.CreateResourceBuilder<ProjectResource>(service)
                    .WithEnvironment(context => context.EnvironmentVariables.Remove("OTEL_EXPORTER_OTLP_ENDPOINT"));
            }
        }
        configure?.Invoke(appHost);
        var app = await appHost.BuildAsync(cancellationToken);
        // One app starts at a time: a start is CPU-bound (DCP, a dotnet run per project, JIT), and several at once on two
        // cores take each other past any bound; tests of apps already started run on meanwhile.
        await s_oneStartAtATime.WaitAsync(cancellationToken);
        try
        {
            using var starting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            starting.CancelAfter(TestConstants.AppStartTimeout);
            await app.StartAsync(starting.Token);
            await Replicas.CollectAsync(app, starting.Token);
            foreach (var resource in Replicas.Names(app))
            {
                await app.WaitForHealthyAsync(resource, TestConstants.AppStartTimeout);
            }
            return app;
        }
        catch
        {
            await app.DisposeAsync();
            throw;
        }
        finally
        {
            s_oneStartAtATime.Release();
        }
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }

    public IReadOnlyList<string> WebReplicas => Replicas.Of(App, "web");

    public HttpClient CreateWebClient() => App.CreateHttpClient("web", "https");

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
