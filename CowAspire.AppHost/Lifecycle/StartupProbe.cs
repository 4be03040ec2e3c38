using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// Reports a starting resource healthy within ~100 ms of it serving. Aspire's ResourceHealthCheckService checks a
/// resource when it runs and, while it is unhealthy, again after 1, 2, 3, 4 and then every 5 s (internal intervals,
/// no setting); a service still starting under <c>dotnet run</c> fails the first checks, so its healthy report came up
/// to 4 s after it served. A check that did not pass last time is tried again every 100 ms, for up to 10 s, before it
/// reports unhealthy; a check that passed last time reports a failure at once (a crash shows when Aspire next asks).
/// </summary>
internal sealed class StartupProbe(IHealthCheck inner, StartupProbe.History history) : IHealthCheck
{
    private static readonly TimeSpan s_retryEvery = TimeSpan.FromMilliseconds(100);
    private static readonly TimeSpan s_patience = TimeSpan.FromSeconds(10);

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        var result = await inner.CheckHealthAsync(context, cancellationToken);
        var deadline = DateTimeOffset.UtcNow + s_patience;
        while (result.Status != HealthStatus.Healthy && !history.PassedLastTime && DateTimeOffset.UtcNow < deadline)
        {
            // Polls on purpose: what is awaited is a port that starts to answer, which sends no notification.
            await Task.Delay(s_retryEvery, cancellationToken);
            result = await inner.CheckHealthAsync(context, cancellationToken);
        }
        history.PassedLastTime = result.Status == HealthStatus.Healthy;
        return result;
    }

    /// <summary>Wraps every health check the AppHost registers (one per resource check).</summary>
    public static void WrapAll(HealthCheckServiceOptions options)
    {
        foreach (var registration in options.Registrations)
        {
            var factory = registration.Factory;
            var history = new History();
            registration.Factory = services => new StartupProbe(factory(services), history);
        }
    }

    /// <summary>What a registration's last check said (one per registration, across the instances the factory makes).</summary>
    internal sealed class History
    {
        public volatile bool PassedLastTime;
    }
}
