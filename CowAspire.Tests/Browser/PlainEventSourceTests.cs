using CowAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

/// <summary>
/// The post's own client, unchanged — <c>new EventSource(url)</c>, <c>onmessage</c>, and a <c>closeStream</c>
/// listener that closes it — in Chromium, without htmx.
/// </summary>
public class PlainEventSourceTests(AppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : AppTest(fixture, output), IClassFixture<BrowserFixture>
{
    private static readonly float Timeout = TestConstants.LongTimeout.InMilliseconds();

    [Fact]
    public async Task TenPlainClientsEachHearEveryQuoteOfTheirShowThenClose()
    {
        var page = await OpenAsync();

        await page.EvaluateAsync("""
            () => {
              window.shows = [];
              for (let i = 0; i < 10; i++) {
                const show = { messages: [], closed: false };
                window.shows.push(show);
                const source = new EventSource("/events/show?count=3");
                source.onmessage = (event) => show.messages.push(event.data);
                source.addEventListener("closeStream", () => { source.close(); show.closed = source.readyState === EventSource.CLOSED; });
              }
            }
            """);
        await page.WaitForFunctionAsync("() => window.shows.every(s => s.closed)", null, new() { Timeout = Timeout });

        var counts = await page.EvaluateAsync<int[]>("() => window.shows.map(s => s.messages.length)");
        Assert.All(counts, count => Assert.Equal(3, count));
        Assert.True(await page.EvaluateAsync<bool>("() => window.shows.every(s => s.messages.every(m => m.startsWith('<article class=\"quote\"')))"));
    }

    [Fact]
    public async Task APlainClientsOnmessageHearsTheLiveFeedWithIds()
    {
        var page = await OpenAsync();

        await page.EvaluateAsync("""
            () => {
              window.live = [];
              const source = new EventSource("/events");
              source.onmessage = (event) => window.live.push(event.lastEventId);
            }
            """);
        await page.WaitForFunctionAsync("() => window.live.length >= 3", null, new() { Timeout = Timeout });

        var ids = (await page.EvaluateAsync<string[]>("() => window.live")).Select(EventStream.QuoteId).ToList();
        Quotes.AssertConsecutive(ids, "the plain client's live feed");
    }

    /// <summary>A page of the app's origin with nothing streaming in it (the page itself would open its own streams).</summary>
    private async Task<IPage> OpenAsync()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(new Uri(Fixture.App.GetEndpoint("web", "https"), "/alive").ToString());
        return page;
    }
}
