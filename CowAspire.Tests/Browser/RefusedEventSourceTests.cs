using CowAspire.Tests.Infrastructure;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

/// <summary>An app that admits one stream per client address, so a second EventSource is refused.</summary>
public sealed class OneStreamPerAddressAppFixture : AppFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("web").WithEnvironment("WebLimits__MaxStreamsPerAddress", "1");
}

/// <summary>
/// A plain EventSource turned away for now comes back by itself: EventSource gives up for good on any status but 200,
/// so a temporary refusal must be a 200 stream that ends with a retry:.
/// </summary>
public sealed class RefusedEventSourceTests(OneStreamPerAddressAppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : IClassFixture<OneStreamPerAddressAppFixture>, IClassFixture<BrowserFixture>, IDisposable
{
    private const float Timeout = 60_000;

    private readonly IDisposable _logs = fixture.Logs.Attach(output);

    [Fact]
    public async Task AnEventSourceRefusedForTheStreamCapReconnectsByItselfOnceThereIsRoom()
    {
        var page = await browser.NewPageAsync();
        // One HTTP/2 connection for the page, so both streams reach the same replica and count against one cap.
        await page.GotoAsync(new Uri(fixture.App.GetEndpoint("web", "https"), "/alive").ToString());
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

    public void Dispose() => _logs.Dispose();
}
