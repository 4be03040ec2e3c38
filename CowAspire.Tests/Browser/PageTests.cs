using System.Globalization;
using CowAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

public class PageTests(AppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : AppTest(fixture, output), IClassFixture<BrowserFixture>
{
    private static readonly float Timeout = TestConstants.DefaultTimeout.InMilliseconds();

    private string WebUrl => Fixture.App.GetEndpoint("web", "https").ToString();

    [Fact]
    public async Task PageShowsTenQuotesThenClosesTheStreamForGood()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(WebUrl);

        var show = page.Locator("#shows .show").First;
        await Expect(show).ToHaveAttributeAsync("data-state", "closed", new() { Timeout = Timeout });
        Assert.Equal(10, await show.Locator(".quote").CountAsync());
        Assert.Equal("finished", await show.Locator(".show-state").TextContentAsync());

        // Time itself is under test here: after closeStream the page must stay away for longer than a reconnect
        // (retry is 2 s, htmx's own back-off starts at 0.5 s). A request within 5 s fails the test.
        var reconnect = await Record.ExceptionAsync(() =>
            page.WaitForRequestAsync(r => r.Url.Contains("/events/show", StringComparison.Ordinal), new() { Timeout = 5000 }));
        Assert.IsType<TimeoutException>(reconnect);
        Assert.Equal(1, await page.EvaluateAsync<int>(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('/events/show')).length"));
    }

    [Fact]
    public async Task PageStreamsOverHttp2()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(WebUrl);
        await Expect(page.Locator("#shows .show").First).ToHaveAttributeAsync("data-state", "closed", new() { Timeout = Timeout });

        var protocols = await page.EvaluateAsync<string[]>(
            "performance.getEntriesByType('resource').filter(e => e.name.includes('/events/show')).map(e => e.nextHopProtocol)");

        Assert.NotEmpty(protocols);
        Assert.All(protocols, p => Assert.Equal("h2", p));
    }

    [Fact]
    public async Task TenShowsStartedAtOnceStreamTogetherAndAllComplete()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(WebUrl);
        await Expect(page.Locator("#shows .show")).ToHaveCountAsync(1, new() { Timeout = Timeout });

        // Ten clicks in one go, as an impatient user would; htmx queues each (hx-sync "queue all").
        await page.EvaluateAsync("() => { for (let i = 0; i < 10; i++) document.getElementById('start-show').click(); }");
        await Expect(page.Locator("#shows .show")).ToHaveCountAsync(11, new() { Timeout = Timeout });
        await Expect(page.Locator("#shows .show[data-state='closed']")).ToHaveCountAsync(11, new() { Timeout = Timeout });

        // Over HTTP/1.1 the browser holds at most six connections per origin (one is the live feed), so at most five
        // shows could stream at any moment and the rest would wait for them to end. Over HTTP/2 they stream together:
        // some quote reached more than five of them.
        var ranges = new List<(long First, long Last)>();
        foreach (var show in (await page.Locator("#shows .show").AllAsync()).Take(10))
        {
            var ids = (await show.Locator(".quote").EvaluateAllAsync<string[]>("els => els.map(e => e.dataset.quoteId)"))
                .Select(id => long.Parse(id, CultureInfo.InvariantCulture)).ToList();
            Assert.Equal(10, ids.Count);
            ranges.Add((ids[0], ids[^1]));
        }
        var mostAtOnce = ranges.SelectMany(r => new[] { r.First, r.Last })
            .Max(id => ranges.Count(r => r.First <= id && id <= r.Last));
        Assert.True(mostAtOnce > 5,
            $"At most {mostAtOnce} shows streamed at the same time: {string.Join(", ", ranges.Select(r => $"{r.First}..{r.Last}"))}");
    }

    [Fact]
    public async Task SubmittedMarkupShowsAsTextAndNeverRuns()
    {
        var page = await browser.NewPageAsync();
        var dialogs = 0;
        page.Dialog += (_, dialog) =>
        {
            dialogs++;
            _ = dialog.DismissAsync();
        };
        await page.GotoAsync(WebUrl);
        await Expect(page.Locator("#live .quote").First).ToBeVisibleAsync(new() { Timeout = Timeout });

        await page.FillAsync("#quote-text", "<script>alert(1)</script>");
        await page.ClickAsync("#quote-form button[type=submit]");
        await Expect(page.Locator("#submit-status")).ToHaveClassAsync("ok", new() { Timeout = Timeout });
        var id = (await page.Locator("#submit-status").TextContentAsync())!.Split('#')[1].TrimEnd('.');

        var quote = page.Locator($"#live .quote[data-quote-id='{id}']");
        await Expect(quote).ToBeVisibleAsync(new() { Timeout = Timeout });
        Assert.Contains("<script>alert(1)</script>", await quote.Locator("pre").TextContentAsync());
        Assert.Equal(0, await page.Locator(".quote script").CountAsync());
        Assert.Equal(0, dialogs);

        await Screenshots.SaveAsync(page, "page.png");
    }

    [Fact]
    public async Task TheFormSendsAnIdempotencyKeyOfItsOwnWithEachSubmission()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(WebUrl);

        var keys = new List<string>();
        for (var i = 0; i < 2; i++)
        {
            await page.FillAsync("#quote-text", $"Keyed submission {i}.");
            var response = await page.RunAndWaitForResponseAsync(
                () => page.ClickAsync("#quote-form button[type=submit]"), r => r.Url.EndsWith("/quotes", StringComparison.Ordinal));
            Assert.Equal(201, response.Status);
            keys.Add((await response.Request.AllHeadersAsync()).GetValueOrDefault("idempotency-key") ?? "");
        }

        Assert.All(keys, key => Assert.True(Guid.TryParse(key, out _), $"'{key}' is not a key the page made."));
        Assert.NotEqual(keys[0], keys[1]);
    }

    [Fact]
    public async Task InvalidQuoteShowsTheProblemOnThePage()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(WebUrl);

        await page.EvalOnSelectorAsync("#quote-text", "el => { el.removeAttribute('maxlength'); el.value = 'm'.repeat(281); }");
        await page.ClickAsync("#quote-form button[type=submit]");

        await Expect(page.Locator("#submit-status")).ToHaveClassAsync("error", new() { Timeout = Timeout });
        Assert.Contains("at most 280", await page.Locator("#submit-status").TextContentAsync());
    }

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
