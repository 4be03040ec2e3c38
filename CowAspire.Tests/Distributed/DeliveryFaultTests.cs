using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CowAspire.Contracts;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>
/// What a client receives across the faults that lose or repeat quotes: ids stay consecutive, or an event names the
/// gap. On an app of its own, since these tests flush Redis and cut the gateways' subscriptions.
/// </summary>
[Collection(DeliveryCollection.Name)]
public sealed class DeliveryFaultTests(DeliveryAppFixture fixture, ITestOutputHelper output) : FixtureTest<DeliveryAppFixture>(fixture, output)
{
    [Fact]
    public async Task GatewaySubscriptionsDroppedWhileQuotesFlowLoseNothing()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        await using var client = await LiveClientAsync();
        var first = client.Ids[^1];

        for (var i = 0; i < 5; i++)
        {
            await faults.PublishWhileGatewaysAreCutOffAsync($"Unseen on the channel {i}.");
            await Quotes.PublishAsync(Fixture.App, $"Published while resubscribing {i}.", Cancellation);
            await faults.WaitForSubscribersAsync(2, Cancellation);
        }
        var last = await Quotes.PublishAsync(Fixture.App, "After the cuts.", Cancellation);
        await client.WaitForIdAsync(last, TestConstants.DefaultTimeout, Cancellation);

        var ids = client.Ids.SkipWhile(id => id < first).ToList();
        Assert.Equal(last - first + 1, ids.Count);
        ContentOracle.AssertDeliveredAsPublished(client.Delivered, await ContentOracle.ReadHistoryAsync(Fixture.App, Cancellation),
            "client across dropped subscriptions");
    }

    [Fact]
    public async Task RedisFlushedWhileAClientStreamsItIsToldByAResetThenGetsTheNewEpochFromItsFirstId()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        await using var client = await LiveClientAsync();
        var before = client.Ids[^1];
        var oldEpoch = await faults.EpochAsync();

        await faults.FlushAllAsync();
        for (var i = 1; i <= 3; i++)
        {
            Assert.Equal(i, await Quotes.PublishAsync(Fixture.App, $"After the flush {i}.", Cancellation));
        }
        var newEpoch = await faults.EpochAsync();
        await client.WaitForEventAsync(events => events.Contains($"message 3-{newEpoch}"), "quote 3 of the new epoch", TestConstants.DefaultTimeout, Cancellation);

        Assert.NotEqual(oldEpoch, newEpoch);
        var events = client.Events.SkipWhile(e => e != $"message {before}-{oldEpoch}").ToList();
        Assert.Equal([$"message {before}-{oldEpoch}", $"reset 0-{newEpoch}", $"message 1-{newEpoch}", $"message 2-{newEpoch}", $"message 3-{newEpoch}"], events);
    }

    [Fact]
    public async Task ResumingFromAnEpochRedisLostGetsAResetThenTheCurrentEpochFromItsStart()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        var newest = await Quotes.PublishAsync(Fixture.App, "In the current epoch.", Cancellation);
        var epoch = await faults.EpochAsync();
        using var client = Fixture.CreateWebClient();

        // The id a browser kept from before Redis lost its data: never refused (EventSource would give up).
        await using var stream = await EventStream.OpenAsync(client, "/events", Cancellation, lastEventId: "5-0ld0ld");
        await stream.ReadUntilQuoteAsync(newest, Cancellation);

        Assert.Equal("reset", stream.Received[0].EventType);
        Assert.Equal($"0-{epoch}", stream.Received[0].EventId);
        var reset = JsonDocument.Parse(stream.Received[0].Data).RootElement;
        Assert.Equal(epoch, reset.GetProperty("epoch").GetString());
        Assert.Equal(0, reset.GetProperty("after").GetInt64());
        AssertFromStartOrGapNamed(stream, epoch!);
    }

    [Fact]
    public async Task ResumingAheadOfTheNewestIdGetsAResetAndGoesLiveFromTheNewest()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        var newest = await Quotes.PublishAsync(Fixture.App, "The newest.", Cancellation);
        var epoch = await faults.EpochAsync();
        using var client = Fixture.CreateWebClient();

        await using var stream = await EventStream.OpenAsync(client, "/events", Cancellation, lastEventId: $"{newest + 1000}-{epoch}");
        await stream.ReadUntilAsync(r => r.Count > 0, Cancellation);
        var next = await Quotes.PublishAsync(Fixture.App, "After the newest.", Cancellation);
        await stream.ReadUntilQuoteAsync(next, Cancellation);

        Assert.Equal("reset", stream.Received[0].EventType);
        Assert.Equal($"{newest}-{epoch}", stream.Received[0].EventId);
        Assert.Equal([next], stream.QuoteIds);
    }

    [Fact]
    public async Task WithTheCounterLostButHistoryKeptPublishingGoesOnFromHistory()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        var before = await Quotes.PublishAsync(Fixture.App, "Before the counter goes.", Cancellation);
        var epoch = await faults.EpochAsync();

        Assert.True(await faults.Database.KeyDeleteAsync(CowAspire.Contracts.QuoteKeys.NextId));
        var after = await Quotes.PublishAsync(Fixture.App, "After the counter went.", Cancellation);

        Assert.Equal(before + 1, after);
        Assert.Equal(epoch, await faults.EpochAsync());
    }

    [Fact]
    public async Task RetriedPostWithTheSameIdempotencyKeyPublishesOnceAndReturnsTheFirstQuote()
    {
        using var web = Fixture.CreateWebClient();
        await using var live = await EventStream.OpenAsync(web, "/events", Cancellation, lastEventId: "0");
        // Short enough for one line of the cow's bubble, so it arrives unbroken.
        var text = $"Once {Guid.NewGuid():N}"[..17];
        var key = Guid.NewGuid().ToString();

        // The first answer lost on the way back, say: the client sends the same request again.
        using var first = await PostAsync(web, text, key);
        using var retry = await PostAsync(web, text, key);
        using var reused = await PostAsync(web, "Another quote under the same key.", key);
        var marker = await Quotes.PublishAsync(Fixture.App, "After the retry.", Cancellation);
        await live.ReadUntilQuoteAsync(marker, Cancellation);

        Assert.Equal(HttpStatusCode.Created, first.StatusCode);
        Assert.Equal(HttpStatusCode.Created, retry.StatusCode);
        var id = await IdOfAsync(first);
        Assert.Equal(id, await IdOfAsync(retry));
        Assert.False(first.Headers.Contains("Idempotent-Replayed"));
        Assert.Equal("true", retry.Headers.GetValues("Idempotent-Replayed").Single());
        Assert.Equal(HttpStatusCode.UnprocessableEntity, reused.StatusCode);
        Assert.Equal("application/problem+json", reused.Content.Headers.ContentType?.MediaType);
        Assert.Single(live.Received, e => EventStream.IsQuote(e) && e.Data.Contains(text, StringComparison.Ordinal));
        Quotes.AssertConsecutive([.. live.QuoteIds], "live client");
    }

    [Fact]
    public async Task ACatalogSmallerThanTheSeedNeverAnswers5xxForAPublishedQuote()
    {
        // Quotes:MaxCatalogSize is 1 here, below the ten quotes of the seed.
        using var api = Fixture.App.CreateHttpClient("api", "http");
        for (var i = 0; i < 3; i++)
        {
            using var response = await api.PostAsJsonAsync("/quotes", new { text = $"Tiny catalog {i}." }, Cancellation);
            Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        }

        var catalog = await api.GetStringAsync("/quotes", Cancellation);
        Assert.Contains("Tiny catalog 2.", catalog);
        Assert.DoesNotContain("Tiny catalog 1.", catalog);
    }

    [Fact]
    public async Task ReplayingHistoryReadsItInPagesAndDeliversEveryQuoteInOrder()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        var first = await Quotes.PublishAsync(Fixture.App, "Replay 0.", Cancellation);
        for (var i = 1; i < 30; i++)
        {
            await Quotes.PublishAsync(Fixture.App, $"Replay {i}.", Cancellation);
        }
        var last = first + 29;
        using var client = Fixture.CreateWebClient();
        var reads = await faults.CommandCallsAsync("xrange");

        await using var stream = await EventStream.OpenAsync(client, "/events", Cancellation, lastEventId: (first - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));
        await stream.ReadUntilQuoteAsync(last, Cancellation);

        Assert.Equal(Enumerable.Range(0, 30).Select(i => first + i), stream.QuoteIds);
        // Thirty quotes in pages of seven: at least five reads, never one read of everything.
        Assert.True(await faults.CommandCallsAsync("xrange") - reads >= 30 / DeliveryAppFixture.ReplayPageSize + 1);
    }

    [Fact]
    public async Task ARedisErrorDuringReplayEndsTheStreamWithARetryNotAReset()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        var newest = await Quotes.PublishAsync(Fixture.App, "Before history breaks.", Cancellation);
        var history = CowAspire.Contracts.QuoteKeys.History;
        // History that Redis cannot read as a stream (WRONGTYPE): the replay's read fails.
        await faults.Database.KeyRenameAsync(history, "cowaspire:test:history");
        await faults.Database.StringSetAsync(history, "not a stream");
        try
        {
            using var client = Fixture.CreateWebClient();
            await using var stream = await EventStream.OpenAsync(client, "/events", Cancellation,
                lastEventId: (newest - 1).ToString(System.Globalization.CultureInfo.InvariantCulture));

            await stream.ReadToEndAsync(Cancellation);

            Assert.True(stream.Ended);
            Assert.Empty(stream.Received);
            Assert.InRange(stream.ReconnectionInterval, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        }
        finally
        {
            await faults.Database.KeyDeleteAsync(history);
            await faults.Database.KeyRenameAsync("cowaspire:test:history", history);
        }
    }

    [Fact]
    public async Task CaughtUpClientsResumingWhileQuotesArePublishedGetNoFalseGap()
    {
        await using var faults = await Faults.ConnectAsync(Fixture.App, Cancellation);
        var epoch = await faults.EpochAsync();
        using var client = Fixture.CreateWebClient();
        using var publishing = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        var publisher = Task.Run(async () =>
        {
            for (var i = 0; !publishing.IsCancellationRequested; i++)
            {
                await Quotes.PublishAsync(Fixture.App, $"Racing resume {i}.", publishing.Token);
            }
        }, publishing.Token);

        try
        {
            // Caught up: each resumes from the newest id at that moment, as a quote is being published.
            await Parallel.ForAsync(0, 200, new ParallelOptions { MaxDegreeOfParallelism = 8, CancellationToken = Cancellation }, async (_, token) =>
            {
                var newest = (long)await faults.Database.StringGetAsync(CowAspire.Contracts.QuoteKeys.NextId);
                await using var stream = await EventStream.OpenAsync(client, "/events", token, lastEventId: $"{newest}-{epoch}");
                await stream.ReadUntilAsync(r => r.Count > 0, token);
                Assert.True(EventStream.IsQuote(stream.Received[0]),
                    $"Resuming after {newest}, the first event was {stream.Received[0].EventType}: {stream.Received[0].Data}");
                Assert.Equal(newest + 1, stream.QuoteIds.First());
            });
        }
        finally
        {
            await publishing.CancelAsync();
            await publisher.ContinueWith(_ => { }, TaskScheduler.Default);
        }
    }

    /// <summary>A client of the live feed, resuming from the epoch's start, that has received a quote published now.</summary>
    private async Task<ResumingClient> LiveClientAsync()
    {
        var client = new ResumingClient(Fixture.App.GetEndpoint("web", "https"), lastEventId: "0");
        var id = await Quotes.PublishAsync(Fixture.App, "Before the fault.", Cancellation);
        await client.WaitForIdAsync(id, TestConstants.DefaultTimeout, Cancellation);
        return client;
    }

    private static void AssertFromStartOrGapNamed(EventStream stream, string epoch)
    {
        var afterReset = stream.Received.Skip(1).ToList();
        Assert.All(afterReset.Where(EventStream.IsQuote), e => Assert.Equal(epoch, EventStream.Epoch(e.EventId!)));
        if (stream.QuoteIds.First() != 1)
        {
            Assert.Equal("historyGap", afterReset[0].EventType);
        }
        Quotes.AssertConsecutive([.. stream.QuoteIds], "client resuming from a lost epoch");
    }

    private static async Task<HttpResponseMessage> PostAsync(HttpClient web, string text, string key)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text }) };
        request.Headers.Add(QuoteHeaders.IdempotencyKey, key);
        return await web.SendAsync(request, Cancellation);
    }

    private static async Task<long> IdOfAsync(HttpResponseMessage response) =>
        (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetInt64();
}
