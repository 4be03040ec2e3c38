using System.Runtime.CompilerServices;
using System.Text;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Every resource instance's latest snapshot, and a stream of changes for watchers and waits. Unlike Aspire's, a wait
/// fails at once on a name the model does not have (Aspire #8147) or on an instance that failed to start, and a
/// cancelled wait says which instance it was waiting for, in which state, with its last log lines (Aspire #5633).
/// </summary>
public class ResourceNotificationService : IDisposable
{
    private const int LogLinesInFailures = 30;

    private readonly Dictionary<string, ResourceEvent> _latest = new(StringComparer.OrdinalIgnoreCase);
    private readonly Watchers<ResourceEvent> _watchers = new(4096);
    private readonly ResourceLoggerService _logs;
    private readonly ILogger<ResourceNotificationService> _logger;
    private readonly CancellationTokenSource _disposing = new();

    public ResourceNotificationService(
        ILogger<ResourceNotificationService> logger, IHostApplicationLifetime hostApplicationLifetime, IServiceProvider serviceProvider,
        ResourceLoggerService resourceLoggerService)
    {
        ArgumentNullException.ThrowIfNull(hostApplicationLifetime);
        _logger = logger;
        _logs = resourceLoggerService;
        _ = serviceProvider;
    }

    /// <summary>The current snapshot of every instance, then each change as it happens, until cancelled.</summary>
    public async IAsyncEnumerable<ResourceEvent> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        using var ends = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _disposing.Token);
        await using var events = _watchers.WatchAsync(() => [.. _latest.Values], ends.Token).GetAsyncEnumerator(ends.Token);
        while (true)
        {
            try
            {
                if (!await events.MoveNextAsync())
                {
                    yield break;
                }
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                // The app is shutting down: the watch ends quietly.
                yield break;
            }
            yield return events.Current;
        }
    }

    /// <summary>Every instance's latest event, in the order they were first published.</summary>
    internal IReadOnlyList<ResourceEvent> Current()
    {
        lock (_watchers.Gate)
        {
            return [.. _latest.Values];
        }
    }

    public bool TryGetCurrentState(string resourceId, out ResourceEvent? resourceEvent)
    {
        lock (_watchers.Gate)
        {
            return _latest.TryGetValue(resourceId, out resourceEvent);
        }
    }

    public Task PublishUpdateAsync(IResource resource, Func<CustomResourceSnapshot, CustomResourceSnapshot> stateFactory) =>
        PublishUpdateAsync(resource, resource.Name, stateFactory);

    public Task PublishUpdateAsync(IResource resource, string resourceId, Func<CustomResourceSnapshot, CustomResourceSnapshot> stateFactory)
    {
        ArgumentNullException.ThrowIfNull(resource);
        ArgumentNullException.ThrowIfNull(stateFactory);
        lock (_watchers.Gate)
        {
            var previous = _latest.TryGetValue(resourceId, out var current)
                ? current.Snapshot
                : new CustomResourceSnapshot { ResourceType = resource.GetType().Name.Replace("Resource", "", StringComparison.Ordinal), Properties = [] };
            var next = WithHealthStatus(stateFactory(previous));
            var resourceEvent = new ResourceEvent(resource, resourceId, next);
            _latest[resourceId] = resourceEvent;
            _watchers.Publish(resourceEvent);
            ResourceLog.StateChanged(_logger, resourceId, next.State?.Text, next.HealthStatus);
        }
        return Task.CompletedTask;
    }

    /// <summary>Waits until every instance of <paramref name="resourceName"/> (a resource or one replica) is in <paramref name="targetState"/>.</summary>
    public Task WaitForResourceAsync(string resourceName, string? targetState = null, CancellationToken cancellationToken = default)
    {
        targetState ??= KnownResourceStates.Running;
        return WaitForResourceAsync(resourceName, e => e.Snapshot.State?.Text == targetState, cancellationToken);
    }

    /// <returns>The state reached.</returns>
    public async Task<string> WaitForResourceAsync(string resourceName, IEnumerable<string> targetStates, CancellationToken cancellationToken = default)
    {
        var states = targetStates.ToHashSet(StringComparer.Ordinal);
        var reached = await WaitForResourceAsync(resourceName, e => e.Snapshot.State?.Text is { } state && states.Contains(state), cancellationToken);
        return reached.Snapshot.State!.Text;
    }

    /// <summary>
    /// Waits until every instance of <paramref name="resourceName"/> (every replica of a resource, or the one replica
    /// named) satisfies <paramref name="predicate"/>; returns the event that completed it.
    /// </summary>
    public Task<ResourceEvent> WaitForResourceAsync(string resourceName, Func<ResourceEvent, bool> predicate, CancellationToken cancellationToken = default) =>
        WaitCoreAsync(resourceName, predicate, "in the state waited for", WaitBehavior.WaitOnResourceUnavailable, cancellationToken);

    public Task<ResourceEvent> WaitForResourceHealthyAsync(string resourceName, CancellationToken cancellationToken = default) =>
        WaitForResourceHealthyAsync(resourceName, WaitBehavior.WaitOnResourceUnavailable, cancellationToken);

    /// <summary>Waits until every instance of <paramref name="resourceName"/> runs and is healthy.</summary>
    public Task<ResourceEvent> WaitForResourceHealthyAsync(string resourceName, WaitBehavior waitBehavior, CancellationToken cancellationToken = default) =>
        WaitCoreAsync(resourceName, IsHealthy, "running and healthy", waitBehavior, cancellationToken);

    /// <summary>Waits until what <paramref name="resource"/> waits for (its <see cref="WaitAnnotation"/>s) is reached.</summary>
    public async Task WaitForDependenciesAsync(IResource resource, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resource);
        await Task.WhenAll(resource.Annotations.OfType<WaitAnnotation>().Select(wait => wait.WaitType switch
        {
            WaitType.WaitForCompletion => WaitCoreAsync(wait.Resource.Name,
                e => IsTerminal(e) && e.Snapshot.ExitCode == wait.ExitCode, $"completed with exit code {wait.ExitCode}",
                WaitBehavior.StopOnResourceUnavailable, cancellationToken, failOnExit: e => IsTerminal(e) && e.Snapshot.ExitCode != wait.ExitCode),
            WaitType.WaitUntilStarted => WaitCoreAsync(wait.Resource.Name, e => e.Snapshot.State?.Text == KnownResourceStates.Running,
                "started", wait.WaitBehavior ?? WaitBehavior.WaitOnResourceUnavailable, cancellationToken),
            _ => WaitCoreAsync(wait.Resource.Name, IsHealthy, "running and healthy",
                wait.WaitBehavior ?? WaitBehavior.WaitOnResourceUnavailable, cancellationToken),
        }));
    }

    private static bool IsHealthy(ResourceEvent e) =>
        e.Snapshot.State?.Text == KnownResourceStates.Running && e.Snapshot.HealthStatus == HealthStatus.Healthy;

    private static bool IsTerminal(ResourceEvent e) => KnownResourceStates.TerminalStates.Contains(e.Snapshot.State?.Text);

    private async Task<ResourceEvent> WaitCoreAsync(
        string name, Func<ResourceEvent, bool> predicate, string description, WaitBehavior behavior, CancellationToken cancellationToken,
        Func<ResourceEvent, bool>? failOnExit = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        var ids = InstanceIds(name);
        if (ids.Count == 0)
        {
            if (IsExternal(name))
            {
                return _latest[name];
            }
            throw new DistributedApplicationException(
                $"No resource or replica is named '{name}'. Known: {string.Join(", ", KnownIds())}.");
        }

        // Judged on each notified snapshot, so a short-lived state (Exited before a restart) is not missed.
        var latest = new Dictionary<string, ResourceEvent>(StringComparer.OrdinalIgnoreCase);
        try
        {
            await foreach (var e in WatchAsync(cancellationToken))
            {
                if (!ids.Contains(e.ResourceId))
                {
                    continue;
                }
                latest[e.ResourceId] = e;
                if (latest.Count == ids.Count && latest.Values.All(predicate))
                {
                    return e;
                }
                var failedToStart = e.Snapshot.State?.Text == KnownResourceStates.FailedToStart;
                var unavailable = behavior == WaitBehavior.StopOnResourceUnavailable && e.Snapshot.State?.Text == KnownResourceStates.Exited;
                if (!predicate(e) && (failedToStart || unavailable || failOnExit?.Invoke(e) == true))
                {
                    throw new DistributedApplicationException(Describe(e, $"ended ({e.Snapshot.State?.Text}) while waiting for it to be {description}"));
                }
            }
        }
        catch (OperationCanceledException ex) when (cancellationToken.IsCancellationRequested)
        {
            var laggard = ids.Select(id => latest.GetValueOrDefault(id) ?? _latest[id]).First(e => !predicate(e));
            throw new OperationCanceledException(Describe(laggard, $"was not {description} when the wait was cancelled"), ex, cancellationToken);
        }
        throw new OperationCanceledException($"The app stopped while waiting for '{name}' to be {description}.");
    }

    /// <summary>Names the instance, its state and its last log lines: what a failing test needs to show.</summary>
    internal string Describe(ResourceEvent e, string what)
    {
        var snapshot = e.Snapshot;
        var message = snapshot.Properties.FirstOrDefault(p => p.Name == SnapshotProperties.Message)?.Value as string;
        var text = new StringBuilder()
            .Append($"Resource '{e.ResourceId}' {what}: state {snapshot.State?.Text ?? "unknown"}, health {snapshot.HealthStatus?.ToString() ?? "unknown"}")
            .Append(message is { } m ? $" ({m})" : "")
            .Append('.').AppendLine()
            .AppendLine($"Last {LogLinesInFailures} log lines of '{e.ResourceId}':");
        foreach (var line in _logs.Tail(e.ResourceId, LogLinesInFailures))
        {
            text.Append("  ").Append(line.IsErrorMessage ? "! " : "  ").AppendLine(line.Content);
        }
        return text.ToString();
    }

    private HashSet<string> InstanceIds(string name)
    {
        lock (_watchers.Gate)
        {
            return _latest.Values
                .Where(e => !e.Resource.Annotations.OfType<ExternalResourceAnnotation>().Any())
                .Where(e => string.Equals(e.ResourceId, name, StringComparison.OrdinalIgnoreCase)
                    || string.Equals(e.Resource.Name, name, StringComparison.OrdinalIgnoreCase))
                .Select(e => e.ResourceId)
                .ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
    }

    private bool IsExternal(string name)
    {
        lock (_watchers.Gate)
        {
            return _latest.TryGetValue(name, out var e) && e.Resource.Annotations.OfType<ExternalResourceAnnotation>().Any();
        }
    }

    private List<string> KnownIds()
    {
        lock (_watchers.Gate)
        {
            return [.. _latest.Keys];
        }
    }

    private static CustomResourceSnapshot WithHealthStatus(CustomResourceSnapshot snapshot)
    {
        HealthStatus? status = snapshot.State?.Text != KnownResourceStates.Running || snapshot.HealthReports.IsDefaultOrEmpty
            ? (snapshot.State?.Text == KnownResourceStates.Running && snapshot.HealthReports.IsDefaultOrEmpty ? HealthStatus.Healthy : null)
            : snapshot.HealthReports.Any(r => r.Status is null) ? null
            : snapshot.HealthReports.Min(r => r.Status!.Value);
        return snapshot with { HealthStatus = status };
    }

    public void Dispose()
    {
        _disposing.Cancel();
        _disposing.Dispose();
        GC.SuppressFinalize(this);
    }
}
