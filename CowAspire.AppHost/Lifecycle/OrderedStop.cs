using System.Collections.Concurrent;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// Stops the resources that use others (the services: they reference Redis, the Api) before DCP stops the rest. DCP
/// stops everything at once: a service whose dashboard is already gone spends its shutdown retrying its last telemetry
/// export (OTLP's timeout with Aspire's in-memory retry), past DCP's 6 s between SIGTERM and SIGKILL, and under
/// <c>dotnet run</c> a killed wrapper leaves the service running as an orphan. Stopped first, a service ends at once. Registered after Aspire's own hosted services,
/// so it stops before them.
/// </summary>
internal sealed partial class OrderedStop(
    DistributedApplicationModel model,
    DistributedApplicationExecutionContext executionContext,
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<OrderedStop> logger) : IHostedService
{
    private static readonly TimeSpan s_stopTimeout = TimeSpan.FromSeconds(15);

    /// <summary>Every instance seen, by id (DCP names replicas <c>web-xxxxxxxx</c>).</summary>
    private readonly ConcurrentDictionary<string, IResource> _instances = new();

    public Task StartAsync(CancellationToken cancellationToken)
    {
        if (executionContext.IsRunMode)
        {
            _ = WatchAsync(lifetime.ApplicationStopped);
        }
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        var processes = model.Resources.Where(r => r is ProjectResource or ExecutableResource).ToHashSet();
        var users = processes.Where(r => r.Annotations.OfType<ResourceRelationshipAnnotation>().Any(a => a.Resource != r && processes.Contains(a.Resource))).ToHashSet();
        var running = _instances.Where(i => users.Contains(i.Value)).Select(i => i.Key)
            .Where(id => notifications.TryGetCurrentState(id, out var current) && current.Snapshot.State?.Text == KnownResourceStates.Running)
            .ToList();
        if (running.Count == 0)
        {
            return;
        }
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(s_stopTimeout);
        await Task.WhenAll(running.Select(id => StopOneAsync(id, timeout.Token)));
    }

    private async Task StopOneAsync(string resourceId, CancellationToken cancellationToken)
    {
        try
        {
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StopCommand, cancellationToken);
            if (!result.Success)
            {
                Log.StopFailed(logger, resourceId, result.Message);
            }
        }
        catch (Exception ex) when (ex is OperationCanceledException or InvalidOperationException)
        {
            // Out of time, or gone already: DCP's own clean-up stops what is left.
            Log.StopFailed(logger, resourceId, ex.Message);
        }
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(cancellationToken))
            {
                _instances.TryAdd(change.ResourceId, change.Resource);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Debug, "{ResourceId} was not stopped ahead of the rest: {Message}")]
        public static partial void StopFailed(ILogger logger, string resourceId, string? message);
    }
}
