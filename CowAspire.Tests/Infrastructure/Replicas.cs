using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.CompilerServices;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// What the fault tests need and Aspire's API has no verb for, in one place: a resource's instance ids (DCP names
/// replicas <c>web-xxxxxxxx</c>), a replica's process killed as a crash would kill it, its own address past DCP's proxy,
/// and the facts of its snapshot. Everything else goes through Aspire's own services (ResourceNotifications,
/// ResourceCommands, ResourceLoggerService).
/// </summary>
public static class Replicas
{
    private static readonly ConditionalWeakTable<DistributedApplication, ConcurrentDictionary<string, string[]>> s_instances = [];

    /// <summary>Learns every resource's instance ids once the app has started: each resource publishes its first state by then.</summary>
    public static async Task CollectAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var expected = model.Resources.Where(r => r is ProjectResource or ExecutableResource)
            .ToDictionary(r => r.Name, r => r.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1);
        var seen = expected.Keys.ToDictionary(name => name, _ => new SortedSet<string>(StringComparer.Ordinal));
        await foreach (var change in app.ResourceNotifications.WatchAsync(cancellationToken))
        {
            if (change.Snapshot.IsHidden)
            {
                // Aspire's own helpers (a project's rebuilder) are hidden and never start unless asked.
                seen.Remove(change.Resource.Name);
            }
            else if (seen.TryGetValue(change.Resource.Name, out var ids))
            {
                ids.Add(change.ResourceId);
            }
            if (seen.All(s => s.Value.Count >= expected[s.Key]))
            {
                break;
            }
        }
        s_instances.AddOrUpdate(app, new(seen.ToDictionary(s => s.Key, s => s.Value.ToArray())));
    }

    /// <summary>The resources that run as processes (not Aspire's hidden helpers).</summary>
    public static IEnumerable<string> Names(DistributedApplication app) =>
        s_instances.TryGetValue(app, out var instances) ? instances.Keys : [];

    /// <summary>The instance ids of a resource, in a stable order: one per replica.</summary>
    public static IReadOnlyList<string> Of(DistributedApplication app, string resourceName) =>
        s_instances.TryGetValue(app, out var instances) && instances.TryGetValue(resourceName, out var ids)
            ? ids
            : throw new InvalidOperationException($"No resource is named '{resourceName}'.");

    /// <summary>The one instance of a resource that has no replicas.</summary>
    public static string Only(DistributedApplication app, string resourceName) => Of(app, resourceName).Single();

    public static CustomResourceSnapshot Snapshot(DistributedApplication app, string resourceId) =>
        app.ResourceNotifications.TryGetCurrentState(resourceId, out var e)
            ? e.Snapshot
            : throw new InvalidOperationException($"No resource instance is named '{resourceId}'.");

    /// <summary>
    /// The process that serves: the one DCP started, or for a project DCP started through <c>dotnet run</c> (Aspire's
    /// default, when the AppHost does not launch its built executable), the service under it.
    /// </summary>
    public static int? Pid(DistributedApplication app, string resourceId)
    {
        if (Property<int?>(app, resourceId, "executable.pid") is not { } pid)
        {
            return null;
        }
        return IsDotnetRun(pid) ? ChildOf(pid) ?? pid : pid;
    }

    /// <summary>Whether the process is a <c>dotnet run</c> wrapper (its command line, NUL-separated, in /proc).</summary>
    private static bool IsDotnetRun(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").StartsWith("dotnet\0run\0", StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false; // Gone already.
        }
    }

    public static int Restarts(DistributedApplication app, string resourceId) => Property<int>(app, resourceId, "resource.restartCount");

    /// <summary>SIGKILL, as a crash would: the AppHost sees an unexpected exit and starts it again.</summary>
    public static void Kill(DistributedApplication app, string resourceId)
    {
        var pid = Pid(app, resourceId) ?? throw new InvalidOperationException($"'{resourceId}' has no process to kill.");
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    /// <summary>
    /// Where the replica itself listens on <paramref name="endpointName"/>, past DCP's proxy: what Aspire told it,
    /// through Kestrel's endpoint configuration or, for a project without one, ASPNETCORE_URLS (one address per scheme).
    /// </summary>
    public static Uri Endpoint(DistributedApplication app, string resourceId, string endpointName)
    {
        var environment = Snapshot(app, resourceId).EnvironmentVariables;
        var kestrel = environment.FirstOrDefault(e => e.Name == $"Kestrel__Endpoints__{endpointName}__Url")?.Value;
        var url = kestrel
            ?? (environment.FirstOrDefault(e => e.Name == "ASPNETCORE_URLS")?.Value ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries)
                .FirstOrDefault(u => u.StartsWith($"{endpointName}://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"'{resourceId}' was told no address for its '{endpointName}' endpoint.");
        return new Uri(url.Replace("://localhost:", "://127.0.0.1:", StringComparison.Ordinal));
    }

    /// <summary>Where each replica of <paramref name="resource"/> itself listens on <paramref name="endpointName"/>, past DCP's proxy.</summary>
    public static IReadOnlyList<Uri> Endpoints(DistributedApplication app, string resource, string endpointName) =>
        [.. Of(app, resource).Select(id => Endpoint(app, id, endpointName))];

    private static T? Property<T>(DistributedApplication app, string resourceId, string name) =>
        Snapshot(app, resourceId).Properties.FirstOrDefault(p => p.Name == name)?.Value is T value ? value : default;

    /// <summary>The first child of <paramref name="pid"/>, from every thread's list (a child started on a worker thread is listed under it).</summary>
    private static int? ChildOf(int pid)
    {
        var tasks = $"/proc/{pid}/task";
        if (!Directory.Exists(tasks))
        {
            return null;
        }
        foreach (var task in Directory.EnumerateDirectories(tasks))
        {
            try
            {
                if (File.ReadAllText(Path.Combine(task, "children")).Split(' ', StringSplitOptions.RemoveEmptyEntries) is [var first, ..])
                {
                    return int.Parse(first, System.Globalization.CultureInfo.InvariantCulture);
                }
            }
            catch (IOException)
            {
                // The thread ended while we looked.
            }
        }
        return null;
    }
}
