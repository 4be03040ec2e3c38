using CowAspire.Tests.Browser;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Telemetry;

public class ZzProbe4(TelemetryAppFixture fixture, BrowserFixture browser, ITestOutputHelper output) : TelemetryTest(fixture, output), IClassFixture<BrowserFixture>
{
    [Fact]
    public async Task Probe()
    {
        var ct = TestContext.Current.CancellationToken;
        var replica = Fixture.WebReplicas[0];
        var streams = new List<HttpResponseMessage>();
        using var direct = new HttpClient(TestHttp.CreateHandler()) { BaseAddress = Replicas.Endpoint(Fixture.App, replica, "https") };
        for (var i = 0; i < 3; i++) streams.Add(await direct.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, ct));
        var page = await browser.NewPageAsync();
        page.Console += (_, m) => File.AppendAllText("/tmp/dash/shots/console.txt", m.Text + "\n");
        var dir = "/tmp/dash/shots";
        async Task Dump(string name)
        {
            await page.ScreenshotAsync(new() { Path = $"{dir}/{name}.png", FullPage = true });
            await File.WriteAllTextAsync($"{dir}/{name}.html", await page.ContentAsync(), ct);
        }
        await page.GotoAsync(Dashboard.LoginUrl.ToString());
        await page.WaitForURLAsync(Dashboard.BaseUrl.ToString());
        await page.GotoAsync(new Uri(Dashboard.BaseUrl, $"/metrics/resource/{replica}?meter=CowAspire&instrument=cowaspire.gateway.streams").ToString());
        await page.WaitForTimeoutAsync(8000);
        await Dump("m-graph");
        await page.GetByText("Table").ClickAsync();
        await page.WaitForTimeoutAsync(8000);
        await Dump("m-table");
        foreach (var s in streams) s.Dispose();
        await page.WaitForTimeoutAsync(15000);
        await Dump("m-table2");
        await page.GotoAsync(new Uri(Dashboard.BaseUrl, $"/metrics/resource/{replica}?meter=CowAspire&instrument=cowaspire.gateway.streams").ToString());
        await page.WaitForTimeoutAsync(5000);
        await page.GetByText("Table").ClickAsync();
        await page.WaitForTimeoutAsync(5000);
        await Dump("m-table3");
        await page.GetByText("Graph").ClickAsync();
        await page.WaitForTimeoutAsync(3000);
        await Dump("m-graph3");
    }
}
