using System.Threading.Channels;
using CowAspire.Contracts;
using CowAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CowAspire.Tests.Unit;

/// <summary>The publish protocol's scripts, run in a real redis-server: what reaches the channel, and when.</summary>
public sealed class QuotePublishScriptTests : IAsyncLifetime
{
    private StandaloneRedis _redis = null!;
    private readonly Channel<QuoteEnvelope> _channel = Channel.CreateUnbounded<QuoteEnvelope>();

    public async ValueTask InitializeAsync()
    {
        _redis = await StandaloneRedis.StartAsync();
        await _redis.Connection.GetSubscriber().SubscribeAsync(QuoteKeys.Channel,
            (_, message) => _channel.Writer.TryWrite(QuoteEnvelope.Parse((string?)message)!));
    }

    [Fact]
    public async Task WithoutAcknowledgementToAwaitAQuoteIsAnnouncedAsItIsWritten()
    {
        var written = await PublishAsync("Straight out.", awaitsAcknowledgement: false);

        Assert.Equal(written.Quote, await NextAnnouncedAsync());
        Assert.Equal(new QuoteState(written.Quote.Epoch, 1, 1), await QuoteStateScript.ReadAsync(_redis.Database));
    }

    [Fact]
    public async Task AQuoteAwaitingAcknowledgementIsInHistoryButNotAnnouncedNorReadableAsState()
    {
        var written = await PublishAsync("Not yet.", awaitsAcknowledgement: true);

        Assert.Equal(new QuoteState(written.Quote.Epoch, 0, 1), await QuoteStateScript.ReadAsync(_redis.Database));
        Assert.False(_channel.Reader.TryRead(out _));
        Assert.True(await QuotePublishScript.AnnounceAsync(_redis.Database, written.Quote, historyLength: 100));
        Assert.Equal(written.Quote, await NextAnnouncedAsync());
        Assert.Equal(new QuoteState(written.Quote.Epoch, 1, 1), await QuoteStateScript.ReadAsync(_redis.Database));
    }

    [Fact]
    public async Task ALaterQuoteAnnouncedFirstTakesTheEarlierOnesWithItInOrderAndOnce()
    {
        var quotes = new List<QuoteEnvelope>();
        for (var i = 1; i <= 3; i++)
        {
            quotes.Add((await PublishAsync($"Quote {i}.", awaitsAcknowledgement: true)).Quote);
        }

        Assert.True(await QuotePublishScript.AnnounceAsync(_redis.Database, quotes[2], historyLength: 100));
        Assert.True(await QuotePublishScript.AnnounceAsync(_redis.Database, quotes[0], historyLength: 100));
        Assert.True(await QuotePublishScript.AnnounceAsync(_redis.Database, quotes[1], historyLength: 100));
        var marker = await PublishAsync("Marker.", awaitsAcknowledgement: false);

        List<QuoteEnvelope> announced = [];
        while (announced.Count == 0 || announced[^1].Id != marker.Quote.Id)
        {
            announced.Add(await NextAnnouncedAsync());
        }
        Assert.Equal([.. quotes, marker.Quote], announced);
    }

    [Fact]
    public async Task AQuoteOfAnEpochRedisNoLongerHasIsNotAnnounced()
    {
        var written = await PublishAsync("Lost with its data.", awaitsAcknowledgement: true);
        await _redis.Connection.GetServers()[0].FlushAllDatabasesAsync();
        await PublishAsync("In a new epoch.", awaitsAcknowledgement: true);

        Assert.False(await QuotePublishScript.AnnounceAsync(_redis.Database, written.Quote, historyLength: 100));
        Assert.False(_channel.Reader.TryRead(out _));
    }

    [Fact]
    public async Task AQuoteThisRedisHoldsAnotherUnderTheSameIdIsNotAnnounced()
    {
        var written = await PublishAsync("Written elsewhere.", awaitsAcknowledgement: true);
        var other = written.Quote with { Text = "Never written here." };

        Assert.False(await QuotePublishScript.AnnounceAsync(_redis.Database, other, historyLength: 100));
        Assert.False(_channel.Reader.TryRead(out _));
        Assert.Equal(new QuoteState(written.Quote.Epoch, 0, 1), await QuoteStateScript.ReadAsync(_redis.Database));
    }

    [Fact]
    public async Task ARetryWithTheSameKeyReturnsTheFirstQuoteAndWritesNothing()
    {
        var first = await PublishAsync("Once.", awaitsAcknowledgement: false, key: "k1");
        var retry = await PublishAsync("Once.", awaitsAcknowledgement: false, key: "k1");

        Assert.True(retry.Replayed);
        Assert.Equal(first.Quote, retry.Quote);
        Assert.Equal(1, await _redis.Database.StreamLengthAsync(QuoteKeys.History));
    }

    private Task<QuotePublishOutcome> PublishAsync(string text, bool awaitsAcknowledgement, string? key = null) =>
        QuotePublishScript.PublishAsync(_redis.Database, new QuotePublication(text, DateTimeOffset.UtcNow, HistoryLength: 100,
            IdempotencyKey: key, IdempotencyKeyLifetime: TimeSpan.FromMinutes(1), AwaitsAcknowledgement: awaitsAcknowledgement));

    private async Task<QuoteEnvelope> NextAnnouncedAsync() =>
        await _channel.Reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().WaitAsync(TimeSpan.FromSeconds(10));

    public async ValueTask DisposeAsync() => await _redis.DisposeAsync();
}
