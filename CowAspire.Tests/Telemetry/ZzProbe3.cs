using System.Net.Http.Json;
using CowAspire.Tests.Browser;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Telemetry;

public class ZzProbe3(BrowserFixture browser) : IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Probe()
    {
        var ct = TestContext.Current.CancellationToken;
        var logs = new ResourceLogSink();
        await using var app = await AppFixture.StartAsync(logs, ct, dashboard: true);
        await app.ResourceNotifications.WaitForResourceHealthyAsync("aspire-dashboard", ct);
        app.ResourceNotifications.TryGetCurrentState("aspire-dashboard", out var d);
        var login = d!.Snapshot.Urls.First(u => u.Url.Contains("/login?", StringComparison.Ordinal)).Url;
        var baseUrl = new Uri(login).GetLeftPart(UriPartial.Authority);
        using var web = app.CreateHttpClient("web", "https");
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using (var req = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text = "Probe" }) })
        {
            req.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var resp = await web.SendAsync(req, ct);
        }
        using (var req = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text = "" }) })
        {
            req.Headers.Add("traceparent", $"00-{System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString()}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var resp = await web.SendAsync(req, ct);
        }
        var replica = Replicas.Of(app, "web")[0];
        var streams = new List<HttpResponseMessage>();
        using var direct = new HttpClient(TestHttp.CreateHandler()) { BaseAddress = Replicas.Endpoint(app, replica, "https") };
        for (var i = 0; i < 3; i++) streams.Add(await direct.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, ct));
        var page = await browser.NewPageAsync();
        var dir = "/tmp/dash/shots";
        Directory.CreateDirectory(dir);
        async Task Dump(string name)
        {
            await page.ScreenshotAsync(new() { Path = $"{dir}/{name}.png", FullPage = true });
            await File.WriteAllTextAsync($"{dir}/{name}.html", await page.ContentAsync(), ct);
            await File.WriteAllTextAsync($"{dir}/{name}.txt", page.Url + "\n" + await page.InnerTextAsync("body"), ct);
        }
        var resp0 = await page.GotoAsync(baseUrl);
        File.WriteAllText($"{dir}/anon.txt", $"{resp0?.Status} {page.Url}");
        await page.GotoAsync(login);
        await page.WaitForTimeoutAsync(8000);
        await Dump("resources");
        await page.GotoAsync(baseUrl + "/traces");
        await page.WaitForTimeoutAsync(15000);
        await Dump("traces");
        await page.GotoAsync(baseUrl + "/traces/detail/" + traceId);
        await page.WaitForTimeoutAsync(5000);
        await Dump("trace");
        await page.GotoAsync(baseUrl + "/structuredlogs");
        await page.WaitForTimeoutAsync(5000);
        await Dump("logs");
        await page.GotoAsync(baseUrl + $"/metrics/resource/{replica}?meter=CowAspire&instrument=cowaspire.gateway.streams&duration=5&view=Table");
        await page.WaitForTimeoutAsync(8000);
        await Dump("metrics");
        foreach (var s in streams) s.Dispose();
        await page.WaitForTimeoutAsync(8000);
        await Dump("metrics2");
    }
}
