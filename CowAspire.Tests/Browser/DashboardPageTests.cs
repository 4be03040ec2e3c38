using System.Text.RegularExpressions;
using CowAspire.Tests.Infrastructure;
using CowAspire.Tests.Telemetry;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

/// <summary>Aspire's dashboard, in headless Chromium, as someone who ran the app and opened the URL it printed.</summary>
public class DashboardPageTests(TelemetryAppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : TelemetryTest(fixture, output), IClassFixture<BrowserFixture>
{
    private static readonly float Timeout = TestConstants.LongTimeout.InMilliseconds();

    [Fact]
    public async Task LoginWithTheLoginUrlShowsEveryResourceRunningAndHealthy()
    {
        var page = await browser.NewPageAsync();

        // Without the browser token the dashboard shows nothing but its login page.
        await page.GotoAsync(Dashboard.BaseUrl.ToString());
        await Expect(page).ToHaveURLAsync(new Regex("/login\\?returnUrl="), new() { Timeout = Timeout });

        await page.GotoAsync(Dashboard.LoginUrl.ToString());
        await Expect(page).ToHaveURLAsync(Dashboard.BaseUrl.ToString(), new() { Timeout = Timeout });

        string[] resources = ["redis", "api", .. Fixture.WebReplicas];
        var names = page.Locator("tr.resource-row .resource-name-text");
        await Expect(names).ToHaveCountAsync(resources.Length, new() { Timeout = Timeout });
        Assert.Equal(resources.Order(StringComparer.Ordinal), (await names.AllInnerTextsAsync()).Select(n => n.Trim()).Order(StringComparer.Ordinal));
        foreach (var resource in resources)
        {
            // The state cell's tooltip is the state alone only while healthy (else it says the resource is unhealthy),
            // and its icon is the success one.
            var row = page.Locator("tr.resource-row").Filter(new() { Has = page.Locator(".resource-name-text", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(resource)}\\s*$") }) });
            await Expect(row.Locator("td[title='Running'] .state-column-cell svg[style*='--success']")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        }

        await DashboardPages.TidyForScreenshotAsync(page);
        await Screenshots.SaveAsync(page, "dashboard-resources.png");
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
