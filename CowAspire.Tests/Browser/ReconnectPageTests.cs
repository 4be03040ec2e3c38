using System.Globalization;
using CowAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

[Collection(FaultCollection.Name)]
public sealed class ReconnectPageTests(FaultAppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<BrowserFixture>, IDisposable
{
    private readonly IDisposable _logs = fixture.Logs.Attach(output);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task LiveFeedKeepsEveryQuoteAcrossAKilledReplica()
    {
        var app = fixture.App;
        var (first, second) = (Replicas.Of(app, "web")[0], Replicas.Of(app, "web")[1]);
        // The page's one HTTP/2 connection goes to the first replica: the second is stopped while it loads, then started again.
        Assert.True((await app.ResourceCommands.ExecuteCommandAsync(second, KnownResourceCommands.StopCommand, Cancellation)).Success);
        var page = await browser.NewPageAsync();
        await page.GotoAsync(fixture.App.GetEndpoint("web", "https").ToString());
        await Assertions.Expect(page.Locator("#live .quote")).Not.ToHaveCountAsync(0, new() { Timeout = 30_000 });
        Assert.True((await app.ResourceCommands.ExecuteCommandAsync(second, KnownResourceCommands.StartCommand, Cancellation)).Success);
        await app.WaitForHealthyAsync(second);

        var beforeKill = (await LiveIdsAsync(page)).Max();
        Replicas.Kill(app, first);
        await app.WaitForStoppedAsync(first);
        var marker = await Quotes.PublishAsync(fixture.App, "Did the page miss me?", Cancellation);

        await Assertions.Expect(page.Locator($"#live .quote[data-quote-id='{marker}']")).ToBeVisibleAsync(new() { Timeout = 60_000 });
        var ids = (await LiveIdsAsync(page)).Order().ToList();
        output.WriteLine($"Last quote before the kill: {beforeKill}; on the page after: {string.Join(",", ids)}");
        Assert.True(ids[0] <= beforeKill + 1, $"The page lost the quotes right after {beforeKill}: it starts at {ids[0]}.");
        Quotes.AssertConsecutive(ids, "the page's live feed");
        await app.WaitForHealthyAsync(first);
    }

    private static async Task<IReadOnlyList<long>> LiveIdsAsync(IPage page) =>
        [.. (await page.Locator("#live .quote").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.quoteId)"))
            .Select(id => long.Parse(id, CultureInfo.InvariantCulture))];

    public void Dispose() => _logs.Dispose();
}
