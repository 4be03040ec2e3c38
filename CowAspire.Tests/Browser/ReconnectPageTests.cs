using System.Globalization;
using CowAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

[Collection(FaultCollection.Name)]
public sealed class ReconnectPageTests(FaultAppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : FixtureTest<FaultAppFixture>(fixture, output), IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task LiveFeedKeepsEveryQuoteAcrossAKilledReplica()
    {
        var app = Fixture.App;
        var (first, second) = (Replicas.Of(app, "web")[0], Replicas.Of(app, "web")[1]);
        // The page's one HTTP/2 connection goes to the first replica: the second is stopped while it loads, then started again.
        await app.StopResourceAsync(second, Cancellation);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Fixture.App.GetEndpoint("web", "https").ToString());
        await Assertions.Expect(page.Locator("#live .quote")).Not.ToHaveCountAsync(0, new() { Timeout = TestConstants.DefaultTimeout.InMilliseconds() });
        await app.StartResourceAsync(second, Cancellation);
        await app.WaitForHealthyAsync(second);

        // Every quote the page's feed takes from here on, in order: the page shows only its latest 30, and more than
        // that may arrive while it reconnects.
        await page.EvaluateAsync("""
            () => {
              window.liveIds = [];
              document.addEventListener("htmx:sseMessage", e => { if (e.target.id === "live") window.liveIds.push(e.detail.lastEventId); });
            }
            """);
        var beforeKill = (await ShownIdsAsync(page)).Max();
        Replicas.Kill(app, first);
        await app.WaitForStoppedAsync(first);
        var marker = await Quotes.PublishAsync(Fixture.App, "Did the page miss me?", Cancellation);

        await page.WaitForFunctionAsync("marker => window.liveIds.some(id => id.startsWith(marker + '-'))", marker.ToString(CultureInfo.InvariantCulture),
            new() { Timeout = TestConstants.LongTimeout.InMilliseconds() });
        var ids = (await page.EvaluateAsync<string[]>("() => window.liveIds"))
            .Select(id => long.Parse(id.Split('-')[0], CultureInfo.InvariantCulture)).SkipWhile(id => id <= beforeKill).ToList();
        Output.WriteLine($"Last quote shown before the kill: {beforeKill}; taken after: {string.Join(",", ids)}");
        Assert.True(ids.Count > 0 && ids[0] == beforeKill + 1, $"The page lost the quotes right after {beforeKill}: it went on with {(ids.Count > 0 ? ids[0] : "nothing")}.");
        Quotes.AssertConsecutive(ids, "the page's live feed");
        Assert.Contains(marker, ids);
        await app.WaitForHealthyAsync(first);
    }

    private static async Task<IReadOnlyList<long>> ShownIdsAsync(IPage page) =>
        [.. (await page.Locator("#live .quote").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.quoteId)"))
            .Select(id => long.Parse(id, CultureInfo.InvariantCulture))];
}
