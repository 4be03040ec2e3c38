using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// Starts a crashed process again, through Aspire's own start command, after a backoff that doubles with each crash in
/// a row (1 s up to 16 s) and resets once the process has stayed up. Aspire 13.6 leaves a process that exits unasked in
/// the Exited state; a stop asked for (the dashboard's Stop, a test's stop command, the AppHost's shutdown) goes
/// through Stopping first and is left alone. Each instance's restarts are counted in its snapshot
/// (<c>resource.restartCount</c>), where the dashboard and tests see them.
/// </summary>
internal sealed partial class CrashRestarter(
    ResourceNotificationService notifications,
    ResourceCommandService commands,
    IHostApplicationLifetime lifetime,
    ILogger<CrashRestarter> logger) : IDistributedApplicationEventingSubscriber
{
    public const string RestartCountProperty = "resource.restartCount";
    private static readonly TimeSpan s_firstBackoff = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan s_maxBackoff = TimeSpan.FromSeconds(16);
    private static readonly TimeSpan s_stableAfter = TimeSpan.FromSeconds(30);

    private readonly Dictionary<string, Instance> _instances = [];

    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        if (executionContext.IsRunMode)
        {
            eventing.Subscribe<AfterResourcesCreatedEvent>((_, _) =>
            {
                _ = WatchAsync(lifetime.ApplicationStopping);
                return Task.CompletedTask;
            });
        }
        return Task.CompletedTask;
    }

    private async Task WatchAsync(CancellationToken stopping)
    {
        try
        {
            await foreach (var change in notifications.WatchAsync(stopping))
            {
                if (!change.Resource.Annotations.OfType<RestartOnCrashAnnotation>().Any())
                {
                    continue;
                }
                var instance = _instances.TryGetValue(change.ResourceId, out var known) ? known : _instances[change.ResourceId] = new Instance();
                var state = change.Snapshot.State?.Text;
                if (state == instance.LastState)
                {
                    continue;
                }
                var crashed = instance.LastState == KnownResourceStates.Running
                    && state is { } s && (s == KnownResourceStates.Exited || s == KnownResourceStates.Finished || s == KnownResourceStates.FailedToStart);
                if (state == KnownResourceStates.Running)
                {
                    instance.RunningSince = DateTimeOffset.UtcNow;
                }
                instance.LastState = state;
                if (crashed && !stopping.IsCancellationRequested)
                {
                    instance.Crashes = DateTimeOffset.UtcNow - instance.RunningSince > s_stableAfter ? 1 : instance.Crashes + 1;
                    _ = RestartAsync(change.Resource, change.ResourceId, instance, change.Snapshot.ExitCode, stopping);
                }
            }
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private async Task RestartAsync(IResource resource, string resourceId, Instance instance, int? exitCode, CancellationToken stopping)
    {
        var backoff = TimeSpan.FromTicks(Math.Min(s_maxBackoff.Ticks, s_firstBackoff.Ticks << Math.Min(instance.Crashes - 1, 8)));
        Log.Crashed(logger, resourceId, exitCode, backoff.TotalSeconds);
        try
        {
            // Waits for time on purpose: the backoff is the point.
            await Task.Delay(backoff, stopping);
            var result = await commands.ExecuteCommandAsync(resourceId, KnownResourceCommands.StartCommand, stopping);
            if (!result.Success)
            {
                Log.RestartFailed(logger, resourceId, result.Message);
                return;
            }
            instance.Restarts++;
            await notifications.PublishUpdateAsync(resource, resourceId, snapshot => snapshot with
            {
                Properties = [.. snapshot.Properties.Where(p => p.Name != RestartCountProperty), new(RestartCountProperty, instance.Restarts)],
            });
        }
        catch (OperationCanceledException) when (stopping.IsCancellationRequested)
        {
        }
    }

    private sealed class Instance
    {
        public string? LastState { get; set; }
        public DateTimeOffset RunningSince { get; set; }
        public int Crashes { get; set; }
        public int Restarts { get; set; }
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Warning, "{ResourceId} exited unasked (exit code {ExitCode}); starting it again in {BackoffSeconds} s")]
        public static partial void Crashed(ILogger logger, string resourceId, int? exitCode, double backoffSeconds);

        [LoggerMessage(LogLevel.Error, "{ResourceId} could not be started again: {Message}")]
        public static partial void RestartFailed(ILogger logger, string resourceId, string? message);
    }
}
