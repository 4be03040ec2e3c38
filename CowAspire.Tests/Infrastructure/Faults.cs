using System.Globalization;
using CowAspire.Contracts;
using StackExchange.Redis;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Faults of Redis's data and of the gateways' subscriptions, done to the app's real redis-server through an admin
/// connection: what the delivery tests do to it that no Aspire verb covers.
/// </summary>
public sealed class Faults(ConnectionMultiplexer redis) : IAsyncDisposable
{
    public static async Task<Faults> ConnectAsync(DistributedApplication app, CancellationToken cancellationToken) =>
        new(await ConnectionMultiplexer.ConnectAsync(await app.GetConnectionStringAsync("redis", cancellationToken) + ",allowAdmin=true"));

    public IDatabase Database => redis.GetDatabase();

    public IServer Server => redis.GetServers()[0];

    /// <summary>Subscribers to the quote channel: one per gateway replica once each has (re)subscribed.</summary>
    public async Task<long> SubscribersAsync() =>
        (long)(await Database.ExecuteAsync("PUBSUB", "NUMSUB", QuoteKeys.ChannelName)).ToDictionary()[QuoteKeys.ChannelName];

    /// <summary>Redis sends no notice of a subscription, so its count is asked for until it is right.</summary>
    public Task WaitForSubscribersAsync(long count, CancellationToken cancellationToken) =>
        Poll.UntilAsync(async () => await SubscribersAsync() == count, TestConstants.DefaultTimeout,
            $"{count} gateways have (re)subscribed to {QuoteKeys.ChannelName}", cancellationToken);

    /// <summary>
    /// Drops every gateway's subscription (<c>CLIENT KILL TYPE pubsub</c>) and publishes a quote as the Api does, in
    /// one transaction: the quote is in history, but no gateway can have received it on the channel. Returns its id.
    /// </summary>
    public async Task<long> PublishWhileGatewaysAreCutOffAsync(string text)
    {
        var transaction = Database.CreateTransaction();
        _ = transaction.ExecuteAsync("CLIENT", "KILL", "TYPE", "pubsub");
        var published = QuotePublishScript.PublishAsync(transaction, new QuotePublication(text, DateTimeOffset.UtcNow, AppFixture.HistoryLength));
        Assert.True(await transaction.ExecuteAsync(), "The transaction did not run.");
        return (await published).Quote.Id;
    }

    /// <summary>Loses all of Redis's data, as a restart without persistence, FLUSHALL or an operator would.</summary>
    public async Task FlushAllAsync() => await Server.FlushAllDatabasesAsync();

    public async Task<string?> EpochAsync() => await Database.StringGetAsync(QuoteKeys.Epoch);

    public async Task<long> CommandCallsAsync(string command)
    {
        var stats = (string)(await Database.ExecuteAsync("INFO", "commandstats"))!;
        var line = stats.Split('\n').FirstOrDefault(l => l.StartsWith($"cmdstat_{command}:", StringComparison.Ordinal));
        return line is null ? 0 : long.Parse(line.Split("calls=")[1].Split(',')[0], CultureInfo.InvariantCulture);
    }

    public async ValueTask DisposeAsync() => await redis.DisposeAsync();
}
