using Microsoft.Extensions.Options;

namespace CowAspire.Web.Streaming;

/// <summary>One shared tick for every stream's heartbeat, instead of a timer per client.</summary>
public sealed class HeartbeatService(QuoteBroadcaster broadcaster, IOptions<StreamingOptions> options, TimeProvider time)
    : BackgroundService
{
    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var timer = new PeriodicTimer(options.Value.HeartbeatInterval, time);
        try
        {
            while (await timer.WaitForNextTickAsync(stoppingToken))
            {
                broadcaster.BroadcastHeartbeat();
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }
}
