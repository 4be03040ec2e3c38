using CowAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

/// <summary>
/// A plain EventSource turned away for now comes back by itself: EventSource gives up for good on any status but 200,
/// so a temporary refusal must be a 200 stream that ends with a retry:.
/// </summary>
public sealed class RefusedEventSourceTests(OneStreamPerAddressAppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : FixtureTest<OneStreamPerAddressAppFixture>(fixture, output), IClassFixture<OneStreamPerAddressAppFixture>, IClassFixture<BrowserFixture>
{
    private static readonly float Timeout = TestConstants.LongTimeout.InMilliseconds();

    [Fact]
    public async Task AnEventSourceRefusedForTheStreamCapReconnectsByItselfOnceThereIsRoom()
    {
        var page = await browser.NewPageAsync();
        // One HTTP/2 connection for the page, so both streams reach the same replica and count against one cap.
        await page.GotoAsync(new Uri(Fixture.App.GetEndpoint("web", "https"), "/alive").ToString());
        await page.EvaluateAsync("""
            () => {
              window.first = new EventSource("/events");
              window.firstHeard = false;
              window.first.onmessage = () => { window.firstHeard = true; };
            }
            """);
        await page.WaitForFunctionAsync("() => window.firstHeard", null, new() { Timeout = Timeout });

        await page.EvaluateAsync("""
            () => {
              window.errors = [];
              window.secondHeard = false;
              window.second = new EventSource("/events");
              window.second.onerror = () => window.errors.push(window.second.readyState);
              window.second.onmessage = () => { window.secondHeard = true; };
            }
            """);
        await page.WaitForFunctionAsync("() => window.errors.length >= 1", null, new() { Timeout = Timeout });
        // Refused, but reconnecting (CONNECTING), not failed for good (CLOSED).
        Assert.All(await page.EvaluateAsync<int[]>("() => window.errors"), state => Assert.Equal(0, state));
        Assert.False(await page.EvaluateAsync<bool>("() => window.secondHeard"));

        await page.EvaluateAsync("() => window.first.close()");
        await page.WaitForFunctionAsync("() => window.secondHeard", null, new() { Timeout = Timeout });
    }
}
