using System.Text.RegularExpressions;
using CowAspire.Dashboard;
using CowAspire.Tests.Infrastructure;
using CowAspire.Tests.Telemetry;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

public class TelemetryPageTests(AppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : AppTest(fixture, output), IClassFixture<BrowserFixture>
{
    private static readonly LocatorAssertionsToHaveCountOptions Within = new() { Timeout = 30_000 };

    [Fact]
    public async Task LogsTracesWithAWaterfallAndMetricsShowLive()
    {
        var dashboard = Fixture.App.Services.GetRequiredService<DashboardInfo>();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(dashboard.LoginUrl);
        using var web = Fixture.CreateWebClient();
        using var stream = await web.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);

        // Logs come live: the bad request is posted after the page follows them.
        await page.ClickAsync("#tabs button[data-tab='logs']");
        await page.SelectOptionAsync("#logs-resource", "api");
        var refusedTrace = await TracedQuotes.PostAsync(web, "", HttpStatusCode.BadRequest, Cancellation);
        // Other tests of this app post bad quotes too: the row is found by its trace.
        var refusedRow = page.Locator("#structured-logs tbody tr", new() { Has = page.Locator($"a.trace-link[data-trace-id='{refusedTrace}']") });
        await Assertions.Expect(refusedRow).ToHaveCountAsync(1, Within);
        await Assertions.Expect(refusedRow).ToContainTextAsync("Answered POST /quotes with 400");
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("telemetry-logs.png"), FullPage = true });
        await page.FillAsync("#logs-text", "Answered POST /quotes with 400");
        await Assertions.Expect(page.Locator("#structured-logs tbody tr:visible").Filter(new() { HasNotText = "Answered POST /quotes with 400" })).ToHaveCountAsync(0);
        await Assertions.Expect(refusedRow).ToBeVisibleAsync();

        // A log's trace link opens its trace; the accepted quote's trace crosses web and api.
        await refusedRow.Locator("a.trace-link").ClickAsync();
        await Assertions.Expect(page.Locator("#waterfall-id")).ToHaveTextAsync(refusedTrace);
        var acceptedTrace = await TracedQuotes.PostAsync(web, "Watched by the dashboard", HttpStatusCode.Created, Cancellation);
        var traceRow = page.Locator($"#traces tbody tr[data-trace-id='{acceptedTrace}']");
        await Assertions.Expect(traceRow).ToHaveCountAsync(1, Within);
        await traceRow.ClickAsync();
        var spans = page.Locator("#waterfall .span-row");
        // The web replica's server span and, under it, the api's.
        await Assertions.Expect(spans.Filter(new() { HasTextRegex = new Regex(@"^api POST") })).Not.ToHaveCountAsync(0, Within);
        await Assertions.Expect(spans.Filter(new() { HasTextRegex = new Regex(@"^web-\d POST /quotes") })).Not.ToHaveCountAsync(0, Within);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("telemetry-traces.png"), FullPage = true });

        // The streams-open instrument of both replicas, charted as exports arrive.
        await page.ClickAsync("#tabs button[data-tab='metrics']");
        await Assertions.Expect(page.Locator("#metrics-instrument option[value='cowaspire.gateway.streams']")).ToHaveCountAsync(1, Within);
        await page.SelectOptionAsync("#metrics-instrument", "cowaspire.gateway.streams");
        await Assertions.Expect(page.Locator("#chart canvas")).ToHaveCountAsync(1, Within);
        await Assertions.Expect(page.Locator("#chart")).ToHaveAttributeAsync(
            "data-points", new Regex("^([3-9]|[1-9][0-9]+)$"), new() { Timeout = 30_000 });
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("telemetry-metrics.png"), FullPage = true });
    }

    [Fact]
    public async Task ResourceDetailsMaskTheEnvironmentAndTheGraphShowsDependencies()
    {
        var dashboard = Fixture.App.Services.GetRequiredService<DashboardInfo>();
        var page = await browser.NewPageAsync();
        await page.GotoAsync(dashboard.LoginUrl);

        await Assertions.Expect(page.Locator("#graph g.node")).ToHaveCountAsync(3, Within);
        Assert.Equal(["api", "redis", "web"], (await page.Locator("#graph g.node").EvaluateAllAsync<string[]>("nodes => nodes.map(n => n.dataset.resource)")).Order());
        await Assertions.Expect(page.Locator("#graph g.node[data-resource='web']")).ToContainTextAsync("2/2 running", new() { Timeout = 30_000 });
        // web → api, web → redis, api → redis: each also waited for, so drawn once as a reference.
        await Assertions.Expect(page.Locator("#graph path.edge")).ToHaveCountAsync(3, Within);

        await page.Locator("#resources td.name", new() { HasText = "web-1" }).ClickAsync();
        var variable = page.Locator("#details-environment tbody tr", new() { HasText = "OTEL_EXPORTER_OTLP_HEADERS" });
        await Assertions.Expect(variable).ToHaveCountAsync(1, Within);
        await Assertions.Expect(page.Locator("#details-references")).ToContainTextAsync("api");
        await Assertions.Expect(page.Locator("#details-health")).ToContainTextAsync("Healthy");
        Assert.DoesNotContain(dashboard.OtlpApiKey, await page.ContentAsync(), StringComparison.Ordinal);
        await page.ScreenshotAsync(new() { Path = BrowserFixture.ScreenshotPath("dashboard-details.png"), FullPage = true });

        await page.ClickAsync("#details-reveal");

        await Assertions.Expect(variable).ToContainTextAsync($"x-otlp-api-key={dashboard.OtlpApiKey}");
    }
}
