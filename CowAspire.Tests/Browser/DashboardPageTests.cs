using CowAspire.Dashboard;
using CowAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

public class DashboardPageTests(AppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : AppTest(fixture, output), IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task LoginWithTheConsoleTokenShowsEveryResourceRunningAndHealthy()
    {
        var dashboard = Fixture.App.Services.GetRequiredService<DashboardInfo>();
        var page = await browser.NewPageAsync();

        var refused = await page.GotoAsync(dashboard.BaseUrl);
        Assert.Equal(401, refused!.Status);

        await page.GotoAsync(dashboard.LoginUrl);
        Assert.Equal(new Uri(dashboard.BaseUrl + "/"), new Uri(page.Url));

        var rows = page.Locator("#resources tbody tr");
        await Assertions.Expect(rows).ToHaveCountAsync(4, new() { Timeout = 30_000 });
        await Assertions.Expect(page.Locator("#resources tbody tr[data-state='Running'][data-health='Healthy']"))
            .ToHaveCountAsync(4, new() { Timeout = 30_000 });
        Assert.Equal(["api", "redis", "web-0", "web-1"], await rows.EvaluateAllAsync<string[]>("rows => rows.map(r => r.dataset.name)"));

        await page.Locator("#resources td.name", new() { HasText = "web-0" }).ClickAsync();
        await Assertions.Expect(page.Locator("#logs")).ToContainTextAsync("Now listening on", new() { Timeout = 30_000 });

        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("dashboard.png"), FullPage = true });
    }

    [Fact]
    public async Task DashboardRefusesToBeFramedByAnotherPage()
    {
        var dashboard = Fixture.App.Services.GetRequiredService<DashboardInfo>();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(dashboard.LoginUrl);
        var own = await page.GotoAsync(dashboard.BaseUrl + "/");
        Assert.Equal("DENY", await own!.HeaderValueAsync("x-frame-options"));
        Assert.Contains("frame-ancestors 'none'", await own.HeaderValueAsync("content-security-policy"));

        // Another page, logged-in cookie and all, tries to frame the dashboard so that a click lands on its buttons.
        await page.SetContentAsync($"<iframe id='victim' src='{dashboard.BaseUrl}/' width='800' height='600'></iframe>");
        var frame = await (await page.QuerySelectorAsync("#victim"))!.ContentFrameAsync();
        await frame!.WaitForLoadStateAsync(LoadState.Load);

        Assert.StartsWith("chrome-error://", frame.Url);
        Assert.Equal(0, await frame.Locator("#resources").CountAsync());
    }
}
