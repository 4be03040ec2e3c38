using CowAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CowAspire.Tests.Distributed;

/// <summary>
/// Redis as a primary, a replica and three Sentinels (<c>Redis:Sentinel:Enabled=true</c>), all real processes: the
/// primary is killed while clients stream and quotes are posted. Nothing acknowledged may be lost.
/// </summary>
public sealed class SentinelFailoverTests(ITestOutputHelper output) : IAsyncLifetime
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(90);
    private readonly ResourceLogSink _logs = new();
    private DistributedApplication _app = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _logs.Attach(output);
        _app = await AppFixture.StartAsync(_logs, Cancellation, args: ["--Redis:Sentinel:Enabled=true"]);
        foreach (var sentinel in (string[])["redis-replica", "redis-sentinel-0", "redis-sentinel-1", "redis-sentinel-2"])
        {
            await _app.WaitForHealthyAsync(sentinel);
        }
    }

    [Fact]
    public async Task KilledPrimaryIsReplacedByItsReplicaAndNoAcknowledgedQuoteIsLost()
    {
        var clients = Enumerable.Range(0, 20).Select(_ => new ResumingClient(_app.GetEndpoint("web", "https"))).ToList();
        var acknowledged = new List<long> { await Quotes.PublishAsync(_app, "Everyone is listening.", Cancellation) };
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(acknowledged[0], Recovery, Cancellation)));
        for (var i = 0; i < 5; i++)
        {
            acknowledged.Add(await Quotes.PublishAsync(_app, $"Before the failover, {i}.", Cancellation));
        }
        var replicaPort = _app.GetEndpoint("redis-replica", "tcp").Port;

        // Stopped, and not restarted: the primary is gone, as a lost machine would be. (A SIGKILL would have the AppHost
        // start it again after its backoff, racing Sentinel's promotion.)
        var stopped = await _app.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(stopped.Success, stopped.Message);

        // Sentinel promotes the replica. Until a replica follows it, publishing is refused (a publish no replica confirmed
        // is never acknowledged), so the lost node is brought back, as an operator would replace it: Sentinel makes it a
        // replica of the new primary, and acknowledgements resume.
        var connectionString = (await _app.GetConnectionStringAsync("redis", Cancellation))!;
        await using (var sentinel = await ConnectSentinelAsync(connectionString))
        {
            // Sentinel sends no notification this client could await: its answer is polled.
            await Wait.UntilAsync(() => MasterPort(sentinel) == replicaPort, Recovery, "Sentinel names the replica as the primary", Cancellation);
        }
        var restarted = await _app.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand, Cancellation);
        Assert.True(restarted.Success, restarted.Message);
        for (var i = 0; i < 10; i++)
        {
            acknowledged.Add(await Quotes.PublishAsync(_app, $"After the failover, {i}.", Cancellation));
        }

        var marker = await Quotes.PublishAsync(_app, "Still here after the failover.", Cancellation);
        acknowledged.Add(marker);
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(marker, Recovery, Cancellation)));
        foreach (var (client, index) in clients.Select((c, i) => (c, i)))
        {
            Quotes.AssertConsecutive(client.Ids, $"client {index} across the failover ({client.Connections} connections)");
        }
        Assert.Equal(acknowledged.Order(), acknowledged);

        // Every acknowledged quote is in the new primary's history.
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        foreach (var id in acknowledged)
        {
            Assert.NotEmpty(await redis.GetDatabase().StreamRangeAsync("cowaspire:quotes:history", $"{id}-0", $"{id}-0"));
        }
        output.WriteLine($"{acknowledged.Count} acknowledged quotes, all in history; {clients.Sum(c => c.Connections)} client connections in all.");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static int MasterPort(ConnectionMultiplexer sentinel)
    {
        var master = (RedisResult[])sentinel.GetServers()[0].Execute("SENTINEL", "get-master-addr-by-name", "cowaspire")!;
        return int.Parse((string)master[1]!, System.Globalization.CultureInfo.InvariantCulture);
    }

    private static Task<ConnectionMultiplexer> ConnectSentinelAsync(string connectionString)
    {
        var options = ConfigurationOptions.Parse(connectionString);
        options.ServiceName = null;
        options.CommandMap = CommandMap.Sentinel;
        options.TieBreaker = "";
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
