using CowAspire.Contracts;
using CowAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CowAspire.Tests.Distributed;

/// <summary>
/// Redis as a primary, a replica and three Sentinels (<c>Redis:Sentinel:Enabled=true</c>), all real processes: the
/// primary is lost while clients stream and quotes are posted, some of them written but not yet acknowledged. Checked
/// by content, not ids alone: nothing acknowledged may be lost, and no client may receive a quote no replica confirmed.
/// </summary>
public sealed class SentinelFailoverTests(ITestOutputHelper output) : OwnAppTest(output)
{
    protected override string[] Args => ["--Redis:Sentinel:Enabled=true"];

    // History holds every quote of the test, so what each client received can be checked against it.
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("api").WithEnvironment("Quotes__HistoryLength", "100000");

    public override async ValueTask InitializeAsync()
    {
        await base.InitializeAsync();
        foreach (var sentinel in (string[])["redis-replica", "redis-sentinel-0", "redis-sentinel-1", "redis-sentinel-2"])
        {
            await App.WaitForHealthyAsync(sentinel);
        }
        // A Sentinel learns of the replica from the primary's INFO, every 10 s: until each knows it, a failover has no
        // replica to promote ("no-good-slave"). Sentinel sends no notification of it, so each is asked until it does.
        var replicaPort = App.GetEndpoint("redis-replica", "tcp").Port.ToString(System.Globalization.CultureInfo.InvariantCulture);
        await using var sentinels = await ConnectSentinelAsync((await App.GetConnectionStringAsync("redis", Cancellation))!);
        await Poll.UntilAsync(() => sentinels.GetServers().All(server => KnowsReplica(server, replicaPort)), TestConstants.ExtraLongTimeout,
            "every Sentinel knows the replica", Cancellation);
    }

    [Fact]
    public async Task PrimaryLostWithQuotesInFlightDeliversEveryAcknowledgedQuoteOnceAndNothingElse()
    {
        var clients = Enumerable.Range(0, 20).Select(_ => new ResumingClient(App.GetEndpoint("web", "https"))).ToList();
        var first = await Quotes.PublishAsync(App, "Everyone is listening.", Cancellation);
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(first, TestConstants.ExtraLongTimeout, Cancellation)));
        var replicaPort = App.GetEndpoint("redis-replica", "tcp").Port;
        var primaryPid = Replicas.Pid(App, Replicas.Only(App, "redis")) ?? throw new InvalidOperationException("redis has no process.");
        var replicaPid = Replicas.Pid(App, Replicas.Only(App, "redis-replica")) ?? throw new InvalidOperationException("redis-replica has no process.");

        await using var publishers = new KeyedPublishers(App.CreateHttpClient("api", "http"), quotesPerSecond: 100);
        await publishers.WaitForAcknowledgedAsync(50, TestConstants.ExtraLongTimeout, Cancellation);

        // The replica stops confirming: quotes are written on the primary and wait for an acknowledgement that cannot come.
        await Processes.FreezeAsync(replicaPid);
        var refusedBefore = publishers.Refused;
        await Poll.UntilAsync(() => publishers.Refused >= refusedBefore + 3, TestConstants.ExtraLongTimeout, "publishes are refused for want of a replica", Cancellation);

        // Then the primary is lost with those writes, and Sentinel promotes the replica, which never had them: their ids
        // are given out again, to other quotes.
        await Processes.FreezeAsync(primaryPid);
        await Processes.ThawAsync(replicaPid);
        var connectionString = (await App.GetConnectionStringAsync("redis", Cancellation))!;
        await using (var sentinel = await ConnectSentinelAsync(connectionString))
        {
            // Sentinel sends no notification this client could await: its answer is polled.
            await Poll.UntilAsync(() => MasterPort(sentinel) == replicaPort, TestConstants.ExtraLongTimeout, "Sentinel names the replica as the primary", Cancellation);
        }
        // The lost node comes back, and Sentinel makes it a replica of the new primary (dropping what only it held), so
        // acknowledgements resume.
        await Processes.ThawAsync(primaryPid);
        var acknowledgedBefore = publishers.Acknowledged.Count;
        await publishers.WaitForAcknowledgedAsync(acknowledgedBefore + 100, TestConstants.ExtraLongTimeout, Cancellation);
        await publishers.StopAsync();
        // Every quote whose outcome was left open is retried with its key until it is known.
        var acknowledged = await publishers.SettleAsync(TestConstants.ExtraLongTimeout, Cancellation);

        var marker = await Quotes.PublishAsync(App, "Still here after the failover.", Cancellation);
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(marker, TestConstants.ExtraLongTimeout, Cancellation)));

        // Read from the primary Sentinel names, by its own address: what it holds is what every client must have had.
        int primaryPort;
        await using (var sentinel = await ConnectSentinelAsync(connectionString))
        {
            primaryPort = MasterPort(sentinel);
        }
        var password = ConfigurationOptions.Parse(connectionString).Password;
        var delivered = clients.Select(c => c.Delivered).ToList();
        var newestDelivered = delivered.Max(d => d.Ids[^1]);
        IReadOnlyDictionary<long, QuoteEnvelope> history = new Dictionary<long, QuoteEnvelope>();
        await using var primary = await ConnectionMultiplexer.ConnectAsync($"127.0.0.1:{primaryPort},password={password}");
        try
        {
            // History on the primary Sentinel names is asked for until it holds the newest quote a client has; if it never
            // does, the checks below say which quote is missing.
            await Poll.UntilAsync(async () =>
                (history = await ContentOracle.ReadHistoryAsync(primary.GetDatabase())).ContainsKey(newestDelivered),
                TestConstants.DefaultTimeout, $"the primary holds quote {newestDelivered}", Cancellation);
        }
        catch (TimeoutException)
        {
        }
        foreach (var quote in acknowledged)
        {
            Assert.True(history.TryGetValue(quote.Id, out var kept) && kept.PublishedAt == quote.PublishedAt && kept.Text == quote.Text,
                $"Acknowledged quote {quote.Id} ('{quote.Text}', published {quote.PublishedAt:O}) is not in history as acknowledged.");
        }
        foreach (var (client, index) in clients.Select((c, i) => (c, i)))
        {
            ContentOracle.AssertDeliveredAsPublished(delivered[index], history, $"client {index} across the failover ({client.Connections} connections)", acknowledged);
        }
        Output.WriteLine($"{acknowledged.Count} acknowledged quotes ({publishers.Refused} refusals and {publishers.Failed} failed " +
            $"requests on the way, all settled by retries with their keys); {clients.Sum(c => c.Connections)} client connections in all.");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    private static bool KnowsReplica(IServer sentinel, string port) =>
        ((RedisResult[])sentinel.Execute("SENTINEL", "REPLICAS", "cowaspire")!)
            .Select(replica => ((RedisResult[])replica!).Select(field => (string?)field).ToArray())
            .Any(fields => Field(fields, "port") == port && Field(fields, "flags") == "slave");

    private static string? Field(string?[] fields, string name) =>
        fields.Select((value, i) => (value, i)).FirstOrDefault(f => f.i % 2 == 0 && f.value == name) is { value: not null } f ? fields[f.i + 1] : null;

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
}
