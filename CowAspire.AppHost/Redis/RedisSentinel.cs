using System.Globalization;
using StackExchange.Redis;

namespace CowAspire.AppHost.Redis;

/// <summary>
/// Redis that survives the loss of its primary (<c>Redis:Sentinel:Enabled=true</c>): beside the primary, a replica and
/// three Sentinels, all real <c>redis-server</c> processes on loopback. Clients connect through the Sentinels, which
/// promote the replica when the primary is down for a second (quorum 2), and follow the promotion.
/// </summary>
public static class RedisSentinel
{
    public const string MasterName = "cowaspire";
    private const int SentinelCount = 3;
    private const int Quorum = 2;

    public static IResourceBuilder<RedisServerResource> WithSentinels(this IResourceBuilder<RedisServerResource> primary)
    {
        ArgumentNullException.ThrowIfNull(primary);
        var builder = primary.ApplicationBuilder;
        var redis = primary.Resource;
        var help = redis.Annotations.OfType<CommandHelpAnnotation>().Single();

        var sentinels = new List<EndpointReference>();
        // A node that (re)starts rejoins as what Sentinel says it is now: after a failover the old primary comes back as
        // a replica of the new one, never as a second primary with stale data that clients could read history from.
        async Task<int?> CurrentPrimary(int? initial, CancellationToken cancellationToken) =>
            await AskSentinelsForPrimaryAsync(sentinels, redis.PasswordParameter, cancellationToken) ?? initial;

        redis.FindPrimaryPort = ct => CurrentPrimary(null, ct);

        var replicaName = $"{redis.Name}-replica";
        var replica = builder.AddExecutable(replicaName, redis.Command, RunDirectory.For(builder, replicaName))
            .WithLoopbackPort("tcp")
            .WithAnnotation(help);
        var replicaEndpoint = replica.GetEndpoint("tcp");
        replica.WithRedisServerArgs(replicaEndpoint, ct => CurrentPrimary(redis.PrimaryEndpoint.Port, ct))
            .WithRedisHealthCheck(replicaEndpoint, sentinel: false)
            .WaitFor(primary);

        for (var i = 0; i < SentinelCount; i++)
        {
            var name = $"{redis.Name}-sentinel-{i}";
            var directory = RunDirectory.For(builder, name);
            var sentinel = builder.AddExecutable(name, redis.Command, directory)
                .WithLoopbackPort("tcp")
                .WithAnnotation(help);
            var endpoint = sentinel.GetEndpoint("tcp");
            sentinel
                .WithArgs(async context =>
                {
                    var password = await redis.PasswordParameter.GetValueAsync(context.CancellationToken);
                    context.Args.Add(WriteConfiguration(directory, endpoint.Port, redis.PrimaryEndpoint.Port, password!));
                    context.Args.Add("--sentinel");
                })
                .WithRedisHealthCheck(endpoint, sentinel: true)
                .WaitFor(primary);
            sentinels.Add(endpoint);
        }
        redis.Sentinels = sentinels;
        return primary;
    }

    /// <summary>The primary's port as the first Sentinel that answers names it; null while none runs (the first start).</summary>
    private static async Task<int?> AskSentinelsForPrimaryAsync(IEnumerable<EndpointReference> sentinels, ParameterResource password, CancellationToken cancellationToken)
    {
        foreach (var sentinel in sentinels.Where(s => s.IsAllocated))
        {
            try
            {
                var options = new ConfigurationOptions
                {
                    EndPoints = { { "127.0.0.1", sentinel.Port } },
                    Password = await password.GetValueAsync(cancellationToken),
                    CommandMap = CommandMap.Sentinel,
                    TieBreaker = "",
                    ConnectTimeout = 500,
                    SyncTimeout = 500,
                    AbortOnConnectFail = true,
                };
                await using var connection = await ConnectionMultiplexer.ConnectAsync(options);
                var address = (RedisResult[]?)await connection.GetServers()[0].ExecuteAsync("SENTINEL", "get-master-addr-by-name", MasterName);
                if (address is [_, var port] && int.TryParse((string?)port, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Not running (yet): ask the next.
            }
        }
        return null;
    }

    /// <summary>
    /// A Sentinel needs a configuration file of its own that it can rewrite (it records what it learns there). Written
    /// once per run: a restarted Sentinel keeps what it knew.
    /// </summary>
    private static string WriteConfiguration(string directory, int port, int primaryPort, string password)
    {
        var file = Path.Combine(directory, "sentinel.conf");
        if (!File.Exists(file))
        {
            RunDirectory.WritePrivateFile(directory, "sentinel.conf", [
                $"port {port.ToString(CultureInfo.InvariantCulture)}",
                "bind 127.0.0.1",
                $"dir {directory}",
                $"requirepass {password}",
                $"sentinel sentinel-pass {password}",
                $"sentinel monitor {MasterName} 127.0.0.1 {primaryPort.ToString(CultureInfo.InvariantCulture)} {Quorum.ToString(CultureInfo.InvariantCulture)}",
                $"sentinel auth-pass {MasterName} {password}",
                $"sentinel down-after-milliseconds {MasterName} 1000",
                $"sentinel failover-timeout {MasterName} 5000",
            ]);
        }
        return file;
    }
}
