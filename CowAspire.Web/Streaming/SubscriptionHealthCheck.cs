using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CowAspire.Web.Streaming;

/// <summary>
/// Not ready until the gateway's subscription is confirmed and it knows the newest id: a client sent here earlier
/// could miss a quote that no check would catch. Readiness only (/health), not liveness.
/// </summary>
public sealed class SubscriptionHealthCheck(QuoteBroadcaster broadcaster) : IHealthCheck
{
    public Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default) =>
        Task.FromResult(broadcaster.IsSynchronized
            ? HealthCheckResult.Healthy()
            : HealthCheckResult.Unhealthy("Not yet subscribed to the quote channel with the newest id known"));
}
