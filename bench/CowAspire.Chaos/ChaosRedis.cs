using System.Globalization;
using CowAspire.Contracts;
using StackExchange.Redis;

namespace CowAspire.Chaos;

/// <summary>
/// The app's Redis as the services reach it: the connection string the AppHost gives them
/// (<c>ConnectionStrings__redis</c> in the Api's environment; with Sentinel, the Sentinels' addresses and the
/// service name). Each step opens its own short admin connection to the node it needs, so a Redis that was just
/// killed, flushed or demoted never leaves a stale connection behind.
/// </summary>
public sealed class ChaosRedis(string connectionString)
{
    private const string ServiceName = "cowaspire";
    private readonly ConfigurationOptions _options = ConfigurationOptions.Parse(connectionString);

    public bool Sentinel => !string.IsNullOrEmpty(_options.ServiceName);

    /// <summary>The port of the node that is primary now (asked of the Sentinels under Sentinel).</summary>
    public async Task<int> PrimaryPortAsync()
    {
        if (!Sentinel)
        {
            return _options.EndPoints[0] switch
            {
                System.Net.DnsEndPoint dns => dns.Port,
                System.Net.IPEndPoint ip => ip.Port,
                var other => throw new InvalidOperationException($"Cannot read the port of {other}."),
            };
        }
        await using var sentinel = await ConnectSentinelAsync();
        var master = (RedisResult[])(await sentinel.GetServers()[0].ExecuteAsync("SENTINEL", "get-master-addr-by-name", ServiceName))!;
        return int.Parse((string)master[1]!, CultureInfo.InvariantCulture);
    }

    /// <summary>The primary and, under Sentinel, every replica the Sentinels know.</summary>
    public async Task<IReadOnlyList<int>> DataPortsAsync()
    {
        var ports = new List<int> { await PrimaryPortAsync() };
        if (Sentinel)
        {
            await using var sentinel = await ConnectSentinelAsync();
            var replicas = (RedisResult[])(await sentinel.GetServers()[0].ExecuteAsync("SENTINEL", "REPLICAS", ServiceName))!;
            foreach (var replica in replicas.Select(r => ((RedisResult[])r!).Select(f => (string?)f).ToArray()))
            {
                var port = replica.Select((value, i) => (value, i)).FirstOrDefault(f => f.i % 2 == 0 && f.value == "port");
                if (port.value is not null)
                {
                    ports.Add(int.Parse(replica[port.i + 1]!, CultureInfo.InvariantCulture));
                }
            }
        }
        return ports;
    }

    public async Task<ConnectionMultiplexer> ConnectNodeAsync(int port)
    {
        var options = new ConfigurationOptions
        {
            EndPoints = { { "127.0.0.1", port } },
            Password = _options.Password,
            AllowAdmin = true,
            AbortOnConnectFail = true,
            ConnectTimeout = 5000,
            ConnectRetry = 1,
        };
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    private Task<ConnectionMultiplexer> ConnectSentinelAsync()
    {
        var options = _options.Clone();
        options.ServiceName = null;
        options.CommandMap = CommandMap.Sentinel;
        options.TieBreaker = "";
        options.AbortOnConnectFail = false;
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    public async Task FlushAllAsync()
    {
        await using var redis = await ConnectNodeAsync(await PrimaryPortAsync());
        await redis.GetServers()[0].FlushAllDatabasesAsync();
    }

    /// <summary><c>CLIENT KILL TYPE pubsub</c> on every data node; returns how many connections went.</summary>
    public async Task<long> KillSubscriptionsAsync()
    {
        long killed = 0;
        foreach (var port in await DataPortsAsync())
        {
            await using var redis = await ConnectNodeAsync(port);
            killed += await redis.GetServers()[0].ClientKillAsync(clientType: ClientType.PubSub);
        }
        return killed;
    }

    /// <summary>The epoch and every quote history holds now, by id.</summary>
    public async Task<(string? Epoch, IReadOnlyDictionary<long, QuoteEnvelope> History)> HistoryAsync()
    {
        await using var redis = await ConnectNodeAsync(await PrimaryPortAsync());
        var database = redis.GetDatabase();
        var epoch = (string?)await database.StringGetAsync(QuoteKeys.Epoch);
        var entries = await database.StreamRangeAsync(QuoteKeys.History);
        var history = entries.Select(e => QuoteEnvelope.Parse((string?)e[QuoteKeys.HistoryField]))
            .OfType<QuoteEnvelope>().ToDictionary(q => q.Id);
        return (epoch, history);
    }
}
