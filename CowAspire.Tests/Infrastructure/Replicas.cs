using System.Diagnostics;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// What the fault tests need and Aspire's API has no verb for, in one place: a replica's process killed as a crash
/// would kill it, its own address past the front door, and the facts of its snapshot. Everything else the tests do
/// goes through Aspire's own services (ResourceNotifications, ResourceCommands, ResourceLoggerService).
/// </summary>
public static class Replicas
{
    /// <summary>The instance ids of a resource: its name, or <c>{name}-{n}</c> per replica.</summary>
    public static IReadOnlyList<string> Of(DistributedApplication app, string resourceName)
    {
        var resource = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.Single(r => r.Name == resourceName);
        var count = resource.Annotations.OfType<ReplicaAnnotation>().LastOrDefault()?.Replicas ?? 1;
        return count == 1 ? [resourceName] : [.. Enumerable.Range(0, count).Select(i => $"{resourceName}-{i}")];
    }

    public static CustomResourceSnapshot Snapshot(DistributedApplication app, string resourceId) =>
        app.ResourceNotifications.TryGetCurrentState(resourceId, out var e) && e is not null
            ? e.Snapshot
            : throw new InvalidOperationException($"No resource instance is named '{resourceId}'.");

    public static int? Pid(DistributedApplication app, string resourceId) => Property<int?>(app, resourceId, "executable.pid");

    public static int Restarts(DistributedApplication app, string resourceId) => Property<int>(app, resourceId, "resource.restartCount");

    public static string? Message(DistributedApplication app, string resourceId) => Property<string>(app, resourceId, "resource.stateMessage");

    /// <summary>SIGKILL, as a crash would: the AppHost sees an unexpected exit and restarts it.</summary>
    public static void Kill(DistributedApplication app, string resourceId)
    {
        var pid = Pid(app, resourceId) ?? throw new InvalidOperationException($"'{resourceId}' has no process to kill.");
        using var process = Process.GetProcessById(pid);
        process.Kill();
    }

    /// <summary>Where the replica itself listens on <paramref name="endpointName"/>, past the front door.</summary>
    public static Uri Endpoint(DistributedApplication app, string resourceId, string endpointName) =>
        new(Snapshot(app, resourceId).Urls.Single(u => u.IsInternal && u.Name == endpointName).Url);

    private static T? Property<T>(DistributedApplication app, string resourceId, string name) =>
        Snapshot(app, resourceId).Properties.FirstOrDefault(p => p.Name == name)?.Value is T value ? value : default;
}
