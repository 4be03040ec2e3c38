using Microsoft.Playwright;

namespace CowAspire.Tests.Telemetry;

/// <summary>What the browser tests do on any of the dashboard's pages.</summary>
public static class DashboardPages
{
    /// <summary>
    /// Closes the dashboard's notices (here: no trusted development certificate, which the test machine has none of)
    /// and moves the pointer off the page's rows, so that a screenshot shows the page itself.
    /// </summary>
    public static async Task TidyForScreenshotAsync(IPage page)
    {
        foreach (var dismiss in await page.Locator(".dashboard-message-bar-dismiss").AllAsync())
        {
            await dismiss.ClickAsync();
        }
        await Assertions.Expect(page.Locator(".dashboard-message-bar")).ToHaveCountAsync(0);
        await page.Mouse.MoveAsync(0, 0);
    }
}
