using System.Globalization;
using System.Text.Json;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

public class ResumeTests(AppFixture fixture, ITestOutputHelper output) : AppTest(fixture, output)
{
    [Fact]
    public async Task ReconnectWithLastEventIdReceivesExactlyTheMissedQuotesThenLive()
    {
        using var client = Fixture.CreateWebClient();
        long lastSeen;
        await using (var first = await EventStream.OpenAsync(client, "/events", Cancellation))
        {
            await first.ReadUntilAsync(_ => first.QuoteIds.Count() >= 3, Cancellation);
            lastSeen = first.QuoteIds.Last();
        }
        var publishedMeanwhile = await Quotes.PublishAsync(Fixture.App, "Published while you were away.", Cancellation);

        await using var resumed = await EventStream.OpenAsync(client, "/events", Cancellation, lastEventId: lastSeen.ToString(CultureInfo.InvariantCulture));
        await resumed.ReadUntilAsync(_ => resumed.QuoteIds.Any(id => id > publishedMeanwhile + 2), Cancellation);

        var ids = resumed.QuoteIds.ToList();
        Assert.Equal(lastSeen + 1, ids[0]);
        Quotes.AssertConsecutive(ids, "resumed client");
        Assert.Contains(publishedMeanwhile, ids);
        Assert.DoesNotContain(resumed.Received, e => e.EventType == "historyGap");
    }

    [Fact]
    public async Task FirstConnectionCanResumeWithTheLastEventIdQueryParameter()
    {
        var id = await Quotes.PublishAsync(Fixture.App, "A quote to resume after.", Cancellation);
        using var client = Fixture.CreateWebClient();

        await using var stream = await EventStream.OpenAsync(client, $"/events?lastEventId={id - 1}", Cancellation);
        await stream.ReadUntilAsync(_ => stream.QuoteIds.Any(), Cancellation);

        Assert.Equal(id, stream.QuoteIds.First());
    }

    [Fact]
    public async Task ResumingFromBeforeHistoryGetsAHistoryGapEventThenTheRest()
    {
        using var client = Fixture.CreateWebClient();
        await using (var live = await EventStream.OpenAsync(client, "/events", Cancellation))
        {
            // History holds the last 50 quotes; wait until quote 1 has left it.
            await live.ReadUntilAsync(_ => live.QuoteIds.Any(id => id > AppFixture.HistoryLength + 5), Cancellation, TestConstants.LongTimeout);
        }

        await using var stream = await EventStream.OpenAsync(client, "/events", Cancellation, lastEventId: "1");
        await stream.ReadUntilAsync(_ => stream.QuoteIds.Count() >= AppFixture.HistoryLength, Cancellation);

        Assert.Equal("historyGap", stream.Received[0].EventType);
        var gap = JsonDocument.Parse(stream.Received[0].Data).RootElement;
        Assert.Equal(1, gap.GetProperty("requestedAfter").GetInt64());
        var resumedFrom = gap.GetProperty("resumedFrom").GetInt64();
        Assert.True(resumedFrom > 2);
        var ids = stream.QuoteIds.ToList();
        Assert.Equal(resumedFrom, ids[0]);
        Quotes.AssertConsecutive(ids, "client resuming from before history");
    }
}
