using System.Runtime.CompilerServices;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Waits on resources that do better than Aspire's own: they take an instance id (Aspire's match a resource's name, so
/// with replicas any one will do), fail at once when the resource fails to start instead of running out the clock,
/// and every failure names the resource, its state and its last log lines.
/// </summary>
public static class ResourceWaits
{
    private const int LogLinesShown = 20;

    /// <summary>
    /// Until the instance (or every instance of the resource) is Running and healthy, and a project's instances each
    /// answer <c>/health</c> themselves: Aspire checks a resource with replicas through DCP's proxy, so one replica
    /// answering makes all of them healthy.
    /// </summary>
    public static async Task WaitForHealthyAsync(this DistributedApplication app, string resourceOrInstance, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0)
    {
        await app.WaitForAsync(resourceOrInstance, s => s.State?.Text == KnownResourceStates.Running && s.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy,
            "Running and healthy", timeout, file, line);
        foreach (var instance in InstancesOf(app, resourceOrInstance).Where(id => Replicas.Snapshot(app, id).ResourceType == "Project"))
        {
            await WaitForServingAsync(app, instance, timeout ?? TestConstants.LongTimeout);
        }
    }

    /// <summary>Until the project instance answers <c>/health</c> on its own http endpoint, past DCP's proxy.</summary>
    public static async Task WaitForServingAsync(this DistributedApplication app, string instance, TimeSpan timeout)
    {
        using var client = new HttpClient(TestHttp.CreateHandler());
        var health = new Uri(Replicas.Endpoint(app, instance, "http"), "/health");
        await Poll.UntilAsync(async () =>
        {
            try
            {
                using var response = await client.GetAsync(health, TestContext.Current.CancellationToken);
                return response.IsSuccessStatusCode;
            }
            catch (HttpRequestException)
            {
                return false;
            }
        }, timeout, $"{instance} answers {health} itself", TestContext.Current.CancellationToken);
    }

    /// <summary>
    /// Until the instance's process has ended, whichever way DCP words it: a process killed by a signal may be
    /// Finished rather than Exited.
    /// </summary>
    public static Task WaitForStoppedAsync(this DistributedApplication app, string resourceOrInstance, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        app.WaitForAsync(resourceOrInstance, s => s.State?.Text is { } state && (state == KnownResourceStates.Exited || state == KnownResourceStates.Finished),
            "Exited or Finished", timeout, file, line);

    /// <summary>Until the instance (or every instance of the resource) reports <paramref name="health"/>.</summary>
    public static Task WaitForHealthAsync(this DistributedApplication app, string resourceOrInstance, Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus health,
        TimeSpan? timeout = null, [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        app.WaitForAsync(resourceOrInstance, s => s.HealthStatus == health, health.ToString(), timeout, file, line);

    /// <summary>Until the instance (or every instance of the resource) is in <paramref name="state"/>.</summary>
    public static Task WaitForStateAsync(this DistributedApplication app, string resourceOrInstance, string state, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        app.WaitForAsync(resourceOrInstance, s => s.State?.Text == state, state, timeout, file, line);

    private static async Task WaitForAsync(this DistributedApplication app, string resourceOrInstance, Func<CustomResourceSnapshot, bool> condition,
        string what, TimeSpan? timeout, string file, int line)
    {
        var limit = timeout ?? TestConstants.LongTimeout;
        using var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(limit);
        var pending = new Dictionary<string, CustomResourceSnapshot?>(StringComparer.Ordinal);
        foreach (var id in InstancesOf(app, resourceOrInstance))
        {
            pending[id] = null;
        }
        try
        {
            await foreach (var change in app.ResourceNotifications.WatchAsync(source.Token))
            {
                if (!pending.ContainsKey(change.ResourceId))
                {
                    continue;
                }
                pending[change.ResourceId] = change.Snapshot;
                if (change.Snapshot.State?.Text == KnownResourceStates.FailedToStart && what != KnownResourceStates.FailedToStart)
                {
                    throw new InvalidOperationException(await DescribeAsync(app, change.ResourceId, change.Snapshot, $"failed to start while waiting for it to be {what}", file, line));
                }
                if (pending.All(p => p.Value is { } s && condition(s)))
                {
                    return;
                }
            }
        }
        catch (OperationCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
        {
        }
        var waiting = pending.First(p => p.Value is null || !condition(p.Value));
        throw new TimeoutException(await DescribeAsync(app, waiting.Key, waiting.Value, $"was not {what} within {limit.TotalSeconds:0} s", file, line));
    }

    private static IEnumerable<string> InstancesOf(DistributedApplication app, string resourceOrInstance)
    {
        try
        {
            return Replicas.Of(app, resourceOrInstance);
        }
        catch (InvalidOperationException)
        {
            return [resourceOrInstance];
        }
    }

    private static async Task<string> DescribeAsync(DistributedApplication app, string resourceId, CustomResourceSnapshot? snapshot, string problem, string file, int line)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var lines = new List<string>();
        await foreach (var batch in logs.GetAllAsync(resourceId))
        {
            lines.AddRange(batch.Select(l => l.Content));
        }
        var state = snapshot is null ? "no state seen" : $"state {snapshot.State?.Text ?? "none"}, health {snapshot.HealthStatus?.ToString() ?? "none"}, exit code {snapshot.ExitCode?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "none"}";
        return $"{resourceId} {problem} ({state}), waited at {Path.GetFileName(file)}:{line}. Its last log lines:\n  "
            + string.Join("\n  ", lines.TakeLast(LogLinesShown));
    }
}
