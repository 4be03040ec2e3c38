using CowAspire.AppHost.Hosting;
using CowAspire.AppHost.Orchestration;
using CowAspire.AppHost.Testing;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Everything the hostile-user tests ask of the orchestrator itself, in one place, so that a change to the
/// orchestrator's API touches this file only.
/// </summary>
public static class HostileFaults
{
    public static Task StopRedisAsync(DistributedApplication app) => app.Orchestrator.StopResourceAsync("redis");

    public static async Task StartRedisAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        await app.Orchestrator.StartResourceAsync("redis");
        await app.WaitForResourceHealthyAsync("redis", cancellationToken: cancellationToken);
    }

    /// <summary>Where each replica of <paramref name="resource"/> itself listens, past the front door.</summary>
    public static IReadOnlyList<Uri> ReplicaUris(DistributedApplication app, string resource, string endpoint) =>
        [.. app.Orchestrator.Find(resource).Select(replica => replica.ReplicaUri(endpoint))];

    /// <summary>Calls <paramref name="onLine"/> with (resource, text) for every line a resource writes until disposed.</summary>
    public static IDisposable WatchLogs(DistributedApplication app, Action<string, string> onLine)
    {
        void Write(LogLine line) => onLine(line.Source, line.Text);
        app.Orchestrator.LogWritten += Write;
        return new Unwatch(() => app.Orchestrator.LogWritten -= Write);
    }

    private sealed class Unwatch(Action unwatch) : IDisposable
    {
        public void Dispose() => unwatch();
    }
}
