using System.Diagnostics;
using CowAspire.Bench;

namespace CowAspire.Chaos;

public enum FaultKind
{
    /// <summary>SIGKILL one Web replica; the AppHost starts it again.</summary>
    WebKill,

    /// <summary>SIGSTOP one Web replica for a few seconds, then SIGCONT.</summary>
    WebFreeze,

    /// <summary>SIGKILL the (primary) redis-server; the AppHost starts it again.</summary>
    RedisKill,

    /// <summary>FLUSHALL on the primary: Redis loses its data, a new epoch follows.</summary>
    FlushAll,

    /// <summary><c>CLIENT KILL TYPE pubsub</c>: every gateway loses its subscription.</summary>
    PubSubKill,

    /// <summary>Sentinel only: the primary is frozen until the Sentinels promote the replica, then let go.</summary>
    Failover,
}

/// <summary>One fault as it was done.</summary>
public sealed record InjectedFault(FaultKind Kind, DateTimeOffset At, string What, TimeSpan Recovery);

/// <summary>
/// Does one fault at a time to the processes the AppHost started (found in /proc as the bench finds them, fresh each
/// time: a restarted process has a new pid) and to its Redis.
/// </summary>
public sealed class Faults(int appHostPid, ChaosRedis redis, Random random)
{
    private static readonly TimeSpan FreezeFor = TimeSpan.FromSeconds(5);
    private static readonly TimeSpan FailoverLimit = TimeSpan.FromSeconds(60);
    private static readonly TimeSpan RestartLimit = TimeSpan.FromSeconds(60);

    private int ExpectedRedis => redis.Sentinel ? 5 : 1;

    public async Task<string> InjectAsync(FaultKind kind, CancellationToken cancellationToken)
    {
        switch (kind)
        {
            case FaultKind.WebKill:
            {
                var web = Pick(AppHostProcesses.Web);
                ChildProcess.Signal(web.Pid, "KILL");
                return $"SIGKILL {web}";
            }
            case FaultKind.WebFreeze:
            {
                var web = Pick(AppHostProcesses.Web);
                ChildProcess.Signal(web.Pid, "STOP");
                try
                {
                    await Task.Delay(FreezeFor, cancellationToken);
                }
                finally
                {
                    ChildProcess.Signal(web.Pid, "CONT");
                }
                return $"SIGSTOP {web}, SIGCONT {FreezeFor.TotalSeconds:F0} s later";
            }
            case FaultKind.RedisKill:
            {
                var port = await redis.PrimaryPortAsync();
                var node = RedisAt(port);
                ChildProcess.Signal(node.Pid, "KILL");
                return $"SIGKILL {node} (primary, port {port})";
            }
            case FaultKind.FlushAll:
                await redis.FlushAllAsync();
                return "FLUSHALL on the primary";
            case FaultKind.PubSubKill:
                return $"CLIENT KILL TYPE pubsub: {await redis.KillSubscriptionsAsync()} subscription connection(s) closed";
            case FaultKind.Failover:
            {
                var port = await redis.PrimaryPortAsync();
                var node = RedisAt(port);
                var clock = Stopwatch.StartNew();
                ChildProcess.Signal(node.Pid, "STOP");
                int now;
                try
                {
                    // Sentinel sends no notice this soak could await: it is asked until it names another primary.
                    while ((now = await AskQuietlyAsync(port)) == port && clock.Elapsed < FailoverLimit)
                    {
                        await Task.Delay(500, cancellationToken);
                    }
                }
                finally
                {
                    ChildProcess.Signal(node.Pid, "CONT");
                }
                return now == port
                    ? $"SIGSTOP primary {node} (port {port}) for {clock.Elapsed.TotalSeconds:F0} s: NO failover happened in that time"
                    : $"SIGSTOP primary {node} (port {port}); Sentinel promoted port {now} after {clock.Elapsed.TotalSeconds:F1} s; SIGCONT";
            }
            default:
                throw new ArgumentOutOfRangeException(nameof(kind));
        }
    }

    private async Task<int> AskQuietlyAsync(int fallback)
    {
        try
        {
            return await redis.PrimaryPortAsync();
        }
        catch (Exception ex) when (ex is StackExchange.Redis.RedisException or InvalidCastException or NullReferenceException)
        {
            return fallback;
        }
    }

    /// <summary>Waits (bounded) until every Web replica and redis-server the AppHost runs is there again; returns whether they are.</summary>
    public async Task<bool> WaitForProcessesAsync(CancellationToken cancellationToken)
    {
        var clock = Stopwatch.StartNew();
        while (clock.Elapsed < RestartLimit)
        {
            var processes = AppHostProcesses.Of(appHostPid);
            if (processes.Count(p => p.Kind == AppHostProcesses.Web) == 2 && processes.Count(p => p.Kind == AppHostProcesses.Redis) == ExpectedRedis)
            {
                return true;
            }
            await Task.Delay(250, cancellationToken);
        }
        return false;
    }

    private AppHostProcess Pick(string kind)
    {
        var candidates = AppHostProcesses.Of(appHostPid).Where(p => p.Kind == kind).ToList();
        return candidates.Count > 0 ? candidates[random.Next(candidates.Count)]
            : throw new InvalidOperationException($"No {kind} process of AppHost {appHostPid} is running.");
    }

    private AppHostProcess RedisAt(int port) =>
        AppHostProcesses.Listening(AppHostProcesses.Of(appHostPid).Where(p => p.Kind == AppHostProcesses.Redis), port)
        ?? throw new InvalidOperationException($"No redis-server of AppHost {appHostPid} listens on port {port}.");
}
