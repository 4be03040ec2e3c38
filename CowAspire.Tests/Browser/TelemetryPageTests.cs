using System.Text.RegularExpressions;
using CowAspire.Tests.Infrastructure;
using CowAspire.Tests.Telemetry;
using Microsoft.Playwright;

namespace CowAspire.Tests.Browser;

/// <summary>The services' traces, structured logs and metrics on Aspire's dashboard, in headless Chromium.</summary>
public class TelemetryPageTests(TelemetryAppFixture fixture, BrowserFixture browser, ITestOutputHelper output)
    : TelemetryTest(fixture, output), IClassFixture<BrowserFixture>
{
    private static readonly float Timeout = TestConstants.LongTimeout.InMilliseconds();

    private static readonly float MetricTimeout = TestConstants.ExtraLongTimeout.InMilliseconds();

    [Fact]
    public async Task APostedQuotesTraceShowsOnTheTracesPageAcrossWebApiRedisAndBothReplicas()
    {
        var page = await LoggedInPageAsync();
        using var web = Fixture.CreateWebClient();

        var traceId = await TracedQuotes.PostAsync(web, "Watched by the dashboard", HttpStatusCode.Created, Cancellation);

        // The traces page, filtered to this trace as its own filter button would.
        await page.GotoAsync(new Uri(Dashboard.BaseUrl, $"/traces?filters=trace.traceid:equals:{traceId}").ToString());
        var row = page.Locator("tr.fluent-data-grid-row").Filter(new() { Has = page.Locator($"td[title*='Trace Id: {traceId}']") });
        await Expect(row).ToHaveCountAsync(1, new() { Timeout = Timeout });
        // Named by its first span, the web's request (the list names a replica's spans by its service, "web").
        await Expect(row.Locator("td[title^='Name: ']")).ToHaveAttributeAsync(
            "title", new Regex($"^Name: web: POST /quotes/\\s+Trace Id: {traceId}$"), new() { Timeout = Timeout });
        // The resources the trace's spans came from: the api, and each web replica (the one that took the POST fanned out too).
        foreach (var resource in Fixture.WebReplicas.Prepend("api"))
        {
            await Expect(row.Locator(".trace-service-tag", new() { HasTextRegex = new Regex($"^\\s*{Regex.Escape(resource)} \\(") })).ToHaveCountAsync(1, new() { Timeout = Timeout });
        }

        await row.Locator("td[title^='Name: ']").ClickAsync();
        await Expect(page).ToHaveURLAsync(new Regex($"/traces/detail/{traceId}"), new() { Timeout = Timeout });
        // Each span's row is titled "{resource}: {span}"; the api, one instance, is shown by its name.
        var webRequest = page.Locator("td.expand-col[title^='web-'][title$=': POST /quotes/']");
        await Expect(webRequest).ToHaveCountAsync(1, new() { Timeout = Timeout });
        Assert.Contains((await webRequest.GetAttributeAsync("title"))!.Split(": ")[0], Fixture.WebReplicas);
        await Expect(page.Locator("td.expand-col[title='api: POST /quotes/']")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        // The api's Redis calls, each shown as an outgoing call to the redis resource.
        var apiRedisCalls = page.Locator("td.expand-col[title^='api: EVAL']");
        await Expect(apiRedisCalls).Not.ToHaveCountAsync(0, new() { Timeout = Timeout });
        Assert.All(await apiRedisCalls.EvaluateAllAsync<string[]>("cells => cells.map(c => c.title)"),
            title => Assert.Matches(@"^api: EVAL\s+Outgoing call to redis$", title));
        foreach (var replica in Fixture.WebReplicas)
        {
            await Expect(page.Locator($"td.expand-col[title^='{replica}: '][title$='cowaspire:quotes']")).ToHaveCountAsync(1, new() { Timeout = Timeout });
        }

        await DashboardPages.TidyForScreenshotAsync(page);
        await Screenshots.SaveAsync(page, "dashboard-trace.png");
    }

    [Fact]
    public async Task ARefusedQuotesLogsShowInStructuredLogsLinkedToItsTrace()
    {
        var page = await LoggedInPageAsync();
        using var web = Fixture.CreateWebClient();

        var traceId = await TracedQuotes.PostAsync(web, "", HttpStatusCode.BadRequest, Cancellation);

        await page.GotoAsync(new Uri(Dashboard.BaseUrl, $"/structuredlogs?filters=log.traceid:equals:{traceId}").ToString());
        var rows = page.Locator("tr.fluent-data-grid-row").Filter(new() { Has = page.Locator($"a[href^='/traces/detail/{traceId}']") });
        // The web replica that took the request and the api each logged it.
        await Expect(rows).ToHaveCountAsync(2, new() { Timeout = Timeout });
        await Expect(rows.Filter(new() { HasText = "Answered POST /quotes with 400" })).ToHaveCountAsync(2);
        var resources = (await rows.Locator("td[col-index='1']").AllInnerTextsAsync()).Select(r => r.Trim()).ToList();
        Assert.Contains("api", resources);
        Assert.Single(resources, Fixture.WebReplicas.Contains);
        await DashboardPages.TidyForScreenshotAsync(page);
        await Screenshots.SaveAsync(page, "dashboard-logs.png");

        await rows.First.Locator($"a[href^='/traces/detail/{traceId}']").ClickAsync();

        await Expect(page).ToHaveURLAsync(new Regex($"/traces/detail/{traceId}"), new() { Timeout = Timeout });
        await Expect(page.Locator("td.expand-col[title='api: POST /quotes/']")).ToHaveCountAsync(1, new() { Timeout = Timeout });
    }

    [Fact]
    public async Task TheOpenStreamsMetricFollowsClientsConnectingAndLeavingOnTheMetricsPage()
    {
        // The dashboard's API has no metrics: its metrics page, in its table view, shows what a replica exported.
        var page = await LoggedInPageAsync();
        var replica = Fixture.WebReplicas[0];
        // Straight to one replica, past the AppHost's proxy, so that it holds all three.
        using var client = new HttpClient(TestHttp.CreateHandler())
        {
            BaseAddress = Replicas.Endpoint(Fixture.App, replica, "https"),
            DefaultRequestVersion = HttpVersion.Version20,
        };
        var streams = new List<HttpResponseMessage>();
        var reading = new List<Task>();
        try
        {
            for (var i = 0; i < 3; i++)
            {
                var stream = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
                streams.Add(stream);
                Assert.Equal(HttpStatusCode.OK, stream.StatusCode);
                // Read as a browser would: a client that reads nothing is dropped as too slow once its queue fills.
                reading.Add(DiscardAsync(stream));
            }

            // The replica's instruments, listed as they arrive (the page shows one named in its URL only if it has arrived).
            await page.GotoAsync(new Uri(Dashboard.BaseUrl, $"/metrics/resource/{replica}").ToString());
            await page.Locator("fluent-tree-item[title='cowaspire.gateway.streams']").ClickAsync(new() { Timeout = Timeout });
            await Expect(page.Locator(".metrics-chart-header h3")).ToHaveTextAsync("cowaspire.gateway.streams", new() { Timeout = Timeout });
            await page.Locator("fluent-tab#tab-Table").ClickAsync();
            // Newest first, one row per change of value; the value's cell also holds an icon saying which way it went.
            var latest = page.Locator("#tab-Table-panel tbody tr.fluent-data-grid-row").First.Locator("td[col-index='2'] > span");
            await Expect(latest).ToHaveTextAsync("3", new() { Timeout = MetricTimeout });
            await DashboardPages.TidyForScreenshotAsync(page);
            await Screenshots.SaveAsync(page, "dashboard-metrics.png");

            streams.ForEach(s => s.Dispose());

            await Expect(latest).ToHaveTextAsync("0", new() { Timeout = MetricTimeout });
        }
        finally
        {
            streams.ForEach(s => s.Dispose());
            await Task.WhenAll(reading);
        }
    }

    private static async Task DiscardAsync(HttpResponseMessage stream)
    {
        try
        {
            await (await stream.Content.ReadAsStreamAsync(Cancellation)).CopyToAsync(Stream.Null, Cancellation);
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or HttpRequestException)
        {
            // The test closed it.
        }
    }

    private async Task<IPage> LoggedInPageAsync()
    {
        var page = await browser.NewPageAsync();
        await page.GotoAsync(Dashboard.LoginUrl.ToString());
        await Expect(page).ToHaveURLAsync(Dashboard.BaseUrl.ToString(), new() { Timeout = Timeout });
        return page;
    }

    private static IPageAssertions Expect(IPage page) => Assertions.Expect(page);

    private static ILocatorAssertions Expect(ILocator locator) => Assertions.Expect(locator);
}
