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
}
