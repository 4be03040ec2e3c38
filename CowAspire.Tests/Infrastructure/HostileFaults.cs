namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// What the hostile-user tests ask of the running app, in one place, through Aspire's own services
/// (ResourceCommands, ResourceNotifications, ResourceLoggerService) and <see cref="Replicas"/> for replica addresses.
/// </summary>
public static class HostileFaults
{
    public static async Task StopRedisAsync(DistributedApplication app)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand);
        Assert.True(result.Success, result.Message);
    }

    public static async Task StartRedisAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand, cancellationToken);
        Assert.True(result.Success, result.Message);
        await app.WaitForHealthyAsync("redis");
    }

    /// <summary>Where each replica of <paramref name="resource"/> itself listens, past DCP's proxy.</summary>
    public static IReadOnlyList<Uri> ReplicaUris(DistributedApplication app, string resource, string endpoint) =>
        [.. Replicas.Of(app, resource).Select(id => Replicas.Endpoint(app, id, endpoint))];

    /// <summary>
    /// Calls <paramref name="onLine"/> with (resource instance, text) for every line the projects write from now on,
    /// until disposed.
    /// </summary>
    public static IDisposable WatchLogs(DistributedApplication app, Action<string, string> onLine)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var stop = new CancellationTokenSource();
        var ids = app.Services.GetRequiredService<DistributedApplicationModel>().Resources.OfType<ProjectResource>()
            .SelectMany(r => Replicas.Of(app, r.Name));
        foreach (var id in ids)
        {
            // Lines are numbered from the start of what is kept: those already there are not "from now on".
            var already = logs.GetAllAsync(id).ToBlockingEnumerable().Sum(batch => batch.Count);
            _ = Task.Run(async () =>
            {
                try
                {
                    await foreach (var batch in logs.WatchAsync(id).WithCancellation(stop.Token))
                    {
                        foreach (var line in batch.Where(l => l.LineNumber > already))
                        {
                            onLine(id, line.Content);
                        }
                    }
                }
                catch (OperationCanceledException)
                {
                }
            });
        }
        return new Unwatch(stop);
    }

    private sealed class Unwatch(CancellationTokenSource stop) : IDisposable
    {
        public void Dispose()
        {
            stop.Cancel();
            stop.Dispose();
        }
    }
}
