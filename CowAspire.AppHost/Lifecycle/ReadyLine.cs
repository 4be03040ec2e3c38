using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// One line for scripts, printed once when every instance of every resource is healthy:
/// <c>CowAspire ready: web=&lt;https url&gt; dashboard=&lt;login url&gt;</c>. The benchmark and the README's quick start read it.
/// </summary>
internal sealed class ReadyLine(
    DistributedApplicationModel model,
    ResourceNotificationService notifications,
    IHostApplicationLifetime lifetime) : IDistributedApplicationEventingSubscriber
{
    public const string Prefix = "CowAspire ready:";
    private const string DashboardResourceName = "aspire-dashboard";

    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        if (executionContext.IsRunMode)
        {
            eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
            {
                _ = PrintWhenHealthyAsync(lifetime.ApplicationStopping);
                return Task.CompletedTask;
            });
        }
        return Task.CompletedTask;
    }

    private async Task PrintWhenHealthyAsync(CancellationToken stopping)
    {
        // Hidden resources (Aspire's own helpers, such as a project's rebuilder) never start unless asked.
        var waited = model.Resources.Where(r => r is not ParameterResource && r.Name != DashboardResourceName).ToList();
        var healthy = new Dictionary<IResource, HashSet<string>>();
        var hidden = new HashSet<IResource>();
        try
        {
            await foreach (var change in notifications.WatchAsync(stopping))
            {
                if (change.Snapshot.IsHidden)
                {
                    hidden.Add(change.Resource);
                }
                var instances = healthy.TryGetValue(change.Resource, out var known) ? known : healthy[change.Resource] = new(StringComparer.Ordinal);
                if (change.Snapshot.HealthStatus == HealthStatus.Healthy && change.Snapshot.State?.Text == KnownResourceStates.Running)
                {
                    instances.Add(change.ResourceId);
                }
                else
                {
                    instances.Remove(change.ResourceId);
                }
                if (waited.All(r => hidden.Contains(r) || (healthy.TryGetValue(r, out var up) && up.Count >= Replicas(r))))
                {
                    Console.Out.WriteLine($"{Prefix} {string.Join(' ', Links(waited))} dashboard={DashboardUrl() ?? "off"}");
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private static int Replicas(IResource resource) =>
        resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;

    /// <summary>Each resource with an endpoint for outside callers, by its https address (else its first).</summary>
    private static IEnumerable<string> Links(IEnumerable<IResource> resources) =>
        from resource in resources.OfType<IResourceWithEndpoints>()
        let endpoints = resource.GetEndpoints().Where(e => e.EndpointAnnotation.IsExternal).ToList()
        where endpoints.Count > 0
        let endpoint = endpoints.FirstOrDefault(e => e.Scheme == "https") ?? endpoints[0]
        select $"{resource.Name}={endpoint.Url}";

    private string? DashboardUrl() =>
        notifications.TryGetCurrentState(DashboardResourceName, out var dashboard) && dashboard is not null
            ? dashboard.Snapshot.Urls.Where(u => u.Url.Contains("/login?", StringComparison.Ordinal)).OrderBy(u => u.Url.StartsWith("https", StringComparison.Ordinal) ? 0 : 1).FirstOrDefault()?.Url
            : null;
}
