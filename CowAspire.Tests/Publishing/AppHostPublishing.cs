namespace CowAspire.Tests.Publishing;

/// <summary>
/// Runs the AppHost's own model in publish mode, as <c>dotnet run --project CowAspire.AppHost -- ARGS</c> does: Aspire runs
/// the pipeline step the arguments name, writes its files and stops the app. Nothing starts (no DCP, no processes).
/// </summary>
internal static class AppHostPublishing
{
    private static readonly TimeSpan s_timeout = TimeSpan.FromMinutes(2);

    /// <summary>
    /// Publish mode opens no port, yet the AppHost's preflight (Lifecycle/Preflight.cs) checks the dashboard's ports
    /// before it runs the app in either mode; Aspire.Hosting.Testing sets them to 8080 and 4317, the launch profile to
    /// 21200 and 22200, any of which another process may hold. Port 0 is one it does not check.
    /// </summary>
    private static readonly string[] s_noDashboardPorts =
    [
        "--ASPNETCORE_URLS=http://127.0.0.1:0",
        "--ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL=http://127.0.0.1:0",
        "--ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL=http://127.0.0.1:0",
    ];

    /// <summary>Publishes with <paramref name="args"/> and returns the model the files were written from.</summary>
    public static async Task<DistributedApplicationModel> PublishAsync(string[] args, CancellationToken cancellationToken)
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>(
            [.. args, .. s_noDashboardPorts], cancellationToken);
        await using var app = await appHost.BuildAsync(cancellationToken);
        // Read before running: a host that has run is disposed.
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        try
        {
            await app.RunAsync(cancellationToken).WaitAsync(s_timeout, cancellationToken);
        }
        catch (TimeoutException ex)
        {
            // The app runs through the AppHost's entry point (its RunAfterPreflight); when that refuses to run, nothing publishes.
            throw new TimeoutException($"Publishing ({string.Join(' ', args)}) did not finish within {s_timeout.TotalMinutes} minutes; "
                + "a line 'CowAspire cannot start: …' on standard error says why the AppHost did not run.", ex);
        }
        return model;
    }
}
