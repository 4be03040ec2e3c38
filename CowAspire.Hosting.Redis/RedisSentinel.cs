using System.Globalization;
using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;

namespace Aspire.Hosting;

/// <summary>
/// Redis that survives the loss of its primary (<c>Redis:Sentinel:Enabled=true</c>): beside the primary, a replica and
/// three Sentinels, all real <c>redis-server</c> processes on loopback. Clients connect through the Sentinels, which
/// promote the replica when the primary is down for a second (quorum 2), and follow the promotion.
/// </summary>
internal static class RedisSentinel
{
    public const string MasterName = "cowaspire";
    private const int Sentinels = 3;
    private const int Quorum = 2;

    public static void Add(IDistributedApplicationBuilder builder, IResourceBuilder<RedisResource> primary)
    {
        var redis = primary.Resource;
        var runDirectory = Path.GetDirectoryName(redis.DataDirectory)!;
        var help = new CommandHelpAnnotation("install Redis (apt-get install redis-server), or name another binary with Redis:Command");

        var replicaDirectory = Path.Combine(runDirectory, $"{redis.Name}-replica");
        var replica = builder.AddExecutable($"{redis.Name}-replica", redis.Command, replicaDirectory)
            .WithEndpoint(scheme: "tcp", name: "tcp", isProxied: false)
            .WithAnnotation(help);
        var replicaEndpoint = replica.GetEndpoint("tcp");
        replica
            .WithAnnotation(new StandardInputAnnotation(() => NodeConfiguration(redis, replicaEndpoint.Port, defaultPrimaryPort: redis.PrimaryEndpoint.Port)))
            .WithArgs(context => RedisBuilderExtensions.AddServerArgs(context, replicaEndpoint, replicaDirectory))
            .WithRedisHealthCheck(() => $"127.0.0.1:{replicaEndpoint.Port},password={redis.Password}", sentinel: false)
            .WaitFor(primary);

        var sentinels = new List<EndpointReference>();
        for (var i = 0; i < Sentinels; i++)
        {
            var directory = Path.Combine(runDirectory, $"{redis.Name}-sentinel-{i}");
            var sentinel = builder.AddExecutable($"{redis.Name}-sentinel-{i}", redis.Command, directory)
                .WithEndpoint(scheme: "tcp", name: "tcp", isProxied: false)
                .WithAnnotation(help);
            var endpoint = sentinel.GetEndpoint("tcp");
            sentinel
                .WithArgs(context =>
                {
                    context.Args.Add(WriteConfiguration(directory, endpoint.Port, redis));
                    context.Args.Add("--sentinel");
                })
                .WithRedisHealthCheck(() => $"127.0.0.1:{endpoint.Port},password={redis.Password}", sentinel: true)
                .WaitFor(primary);
            sentinels.Add(endpoint);
        }
        redis.Sentinels = sentinels;
        // A node that restarts rejoins as what Sentinel says it is now: after a failover the old primary comes back as a
        // replica of the new one, never as a second primary with stale data that clients could read history from.
        primary.WithAnnotation(new StandardInputAnnotation(() => NodeConfiguration(redis, redis.PrimaryEndpoint.Port, defaultPrimaryPort: null)),
            ResourceAnnotationMutationBehavior.Replace);
    }

    /// <summary>
    /// What a node reads on standard input when it starts: the password (also to authenticate to a primary), and whom to
    /// replicate: the primary Sentinel names, when the Sentinels run and name another node; else <paramref name="defaultPrimaryPort"/>.
    /// </summary>
    private static string NodeConfiguration(RedisResource redis, int ownPort, int? defaultPrimaryPort)
    {
        var primaryPort = CurrentPrimaryPort(redis) ?? defaultPrimaryPort;
        var replicaOf = primaryPort is { } port && port != ownPort ? $"replicaof 127.0.0.1 {port.ToString(CultureInfo.InvariantCulture)}\n" : "";
        return $"requirepass {redis.Password}\nmasterauth {redis.Password}\n{replicaOf}";
    }

    /// <summary>The primary's port as the first Sentinel that answers names it; null while none runs (the first start).</summary>
    private static int? CurrentPrimaryPort(RedisResource redis)
    {
        foreach (var sentinel in redis.Sentinels ?? [])
        {
            if (!sentinel.IsAllocated)
            {
                continue;
            }
            try
            {
                var options = new StackExchange.Redis.ConfigurationOptions
                {
                    EndPoints = { { "127.0.0.1", sentinel.Port } },
                    Password = redis.Password,
                    CommandMap = StackExchange.Redis.CommandMap.Sentinel,
                    TieBreaker = "",
                    ConnectTimeout = 500,
                    SyncTimeout = 500,
                    AbortOnConnectFail = true,
                };
                using var connection = StackExchange.Redis.ConnectionMultiplexer.Connect(options);
                var address = (StackExchange.Redis.RedisResult[]?)connection.GetServers()[0].Execute("SENTINEL", "get-master-addr-by-name", MasterName);
                if (address is [_, var port] && int.TryParse((string?)port, CultureInfo.InvariantCulture, out var value))
                {
                    return value;
                }
            }
            catch (Exception ex) when (ex is StackExchange.Redis.RedisException or TimeoutException)
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
    private static string WriteConfiguration(string directory, int port, RedisResource redis)
    {
        var file = Path.Combine(directory, "sentinel.conf");
        if (!File.Exists(file))
        {
            Directory.CreateDirectory(directory);
            File.WriteAllText(file, string.Join('\n',
                $"port {port.ToString(CultureInfo.InvariantCulture)}",
                "bind 127.0.0.1",
                $"dir {directory}",
                $"requirepass {redis.Password}",
                $"sentinel sentinel-pass {redis.Password}",
                $"sentinel monitor {MasterName} 127.0.0.1 {redis.PrimaryEndpoint.Port.ToString(CultureInfo.InvariantCulture)} {Quorum.ToString(CultureInfo.InvariantCulture)}",
                $"sentinel auth-pass {MasterName} {redis.Password}",
                $"sentinel down-after-milliseconds {MasterName} 1000",
                $"sentinel failover-timeout {MasterName} 5000",
                ""));
            if (!OperatingSystem.IsWindows())
            {
                // It holds the password.
                File.SetUnixFileMode(file, UnixFileMode.UserRead | UnixFileMode.UserWrite);
            }
        }
        return file;
    }
}
