namespace CowAspire.Tests.Infrastructure;

/// <summary>The projects' output as it is written, through Aspire's <see cref="ResourceLoggerService"/>.</summary>
public static class ProjectLogs
{
    /// <summary>
    /// Calls <paramref name="onLine"/> with (resource instance, text) for every line the projects write from now on,
    /// until disposed.
    /// </summary>
    public static IDisposable Watch(DistributedApplication app, Action<string, string> onLine)
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
