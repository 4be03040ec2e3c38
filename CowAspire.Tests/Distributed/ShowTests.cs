using System.Net;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

public class ShowTests(AppFixture fixture, ITestOutputHelper output) : AppTest(fixture, output)
{
    [Fact]
    public async Task ShowEndsWithCloseStreamAfterNQuotesOverHttp2()
    {
        using var client = Fixture.CreateWebClient();
        await using var show = await EventStream.OpenAsync(client, "/events/show?count=5", Cancellation);

        Assert.Equal(HttpVersion.Version20, show.Response.Version);
        Assert.Equal("text/event-stream", show.Response.Content.Headers.ContentType?.MediaType);
        Assert.True(show.Response.Headers.CacheControl?.NoCache);
        Assert.Equal("no", show.Response.Headers.GetValues("X-Accel-Buffering").Single());
        Assert.Empty(show.Response.Content.Headers.ContentEncoding);

        var events = await show.ReadToEndAsync(Cancellation);

        Assert.True(show.Ended);
        Assert.Equal(6, events.Count);
        // Unnamed events, which EventSource dispatches as "message": the post's onmessage client sees them.
        Assert.All(events.Take(5), e => Assert.Equal("message", e.EventType));
        var ids = show.QuoteIds.ToList();
        Assert.Equal(ids.Order(), ids);
        Assert.Equal(5, ids.Distinct().Count());
        Assert.Equal("closeStream", events[5].EventType);
        Assert.Equal("""{"delivered":5}""", events[5].Data);
    }

    [Fact]
    public async Task H2cEndpointStreamsHttp2WithoutTls()
    {
        using var client = Fixture.App.CreateH2cClient("web");
        await using var show = await EventStream.OpenAsync(client, "/events/show?count=2", Cancellation);

        Assert.Equal("http", client.BaseAddress!.Scheme);
        Assert.Equal(HttpVersion.Version20, show.Response.Version);
        await show.ReadToEndAsync(Cancellation);
        Assert.Equal(2, show.QuoteIds.Count());
    }

    [Fact]
    public async Task ShowWithoutCountDeliversTen()
    {
        using var client = Fixture.CreateWebClient();
        await using var show = await EventStream.OpenAsync(client, "/events/show", Cancellation);

        var events = await show.ReadToEndAsync(Cancellation);

        Assert.Equal(10, show.QuoteIds.Count());
        Assert.Equal("closeStream", events[^1].EventType);
    }

    [Fact]
    public async Task QuotesArriveAsEncodedCowsayHtmlFragments()
    {
        using var client = Fixture.CreateWebClient();
        await using var show = await EventStream.OpenAsync(client, "/events/show?count=1", Cancellation);

        var events = await show.ReadToEndAsync(Cancellation);

        Assert.StartsWith($"<article class=\"quote\" data-quote-id=\"{EventStream.QuoteId(events[0].EventId!)}\">", events[0].Data);
        Assert.Contains("(oo)", events[0].Data);
    }
}
