using System.Net.Http.Json;
using CowAspire.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CowAspire.Tests.Telemetry;

public class ZzProbe(ITestOutputHelper output)
{
    [Fact]
    public async Task Probe()
    {
        var ct = TestContext.Current.CancellationToken;
        void W(string line) { output.WriteLine(line); File.AppendAllText("/tmp/dash/probe-out.txt", line + "\n"); }
        var logs = new ResourceLogSink();
        await using var app = await AppFixture.StartAsync(logs, ct, dashboard: true);
        var config = app.Services.GetRequiredService<IConfiguration>();
        foreach (var kv in config.AsEnumerable().Where(k => k.Key.StartsWith("AppHost", StringComparison.Ordinal) || k.Key.Contains("DASHBOARD", StringComparison.OrdinalIgnoreCase) || k.Key.StartsWith("Dashboard", StringComparison.Ordinal)).OrderBy(k => k.Key))
        {
            W($"config {kv.Key}={kv.Value}");
        }
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        foreach (var r in model.Resources) W($"resource {r.Name} {r.GetType().Name}");
        string? dashUrl = null;
        foreach (var id in ((string[])["aspire-dashboard"]).Take(0))
        {
            if (!app.ResourceNotifications.TryGetCurrentState(id, out var e)) { W($"no state {id}"); continue; }
            W($"== {id} {e.ResourceId} {e.Snapshot.State?.Text} {e.Snapshot.HealthStatus}");
            foreach (var u in e.Snapshot.Urls) { W($"url {u.Name} {u.Url} internal={u.IsInternal}"); }
            foreach (var v in e.Snapshot.EnvironmentVariables) W($"env {v.Name}={v.Value}");
            foreach (var p in e.Snapshot.Properties) W($"prop {p.Name}={p.Value}");
        }
        app.ResourceNotifications.TryGetCurrentState("aspire-dashboard", out var d);
        dashUrl = d!.Snapshot.Urls.First(u => u.Name is "http" or "https").Url;
        var key = config["AppHost:DashboardApiKey"];
        using var http = new HttpClient(TestHttp.CreateHandler()) { BaseAddress = new Uri(new Uri(dashUrl).GetLeftPart(UriPartial.Authority)) };
        http.DefaultRequestHeaders.Add("x-api-key", key);
        using var web = app.CreateHttpClient("web", "https");
        var traceId = System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString();
        using (var req = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text = "Probe" }) })
        {
            req.Headers.Add("traceparent", $"00-{traceId}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-01");
            using var resp = await web.SendAsync(req, ct);
            W($"posted {resp.StatusCode} trace {traceId}");
        }
        // wait for telemetry export: poll the trace
        for (var i = 0; i < 60; i++)
        {
            using var r = await http.GetAsync($"/api/telemetry/traces/{traceId}", ct);
            if (r.IsSuccessStatusCode) break;
            await Task.Delay(1000, ct);
        }
        await Task.Delay(12000, ct);
        foreach (var path in (string[])[
            "/api/telemetry/resources", $"/api/telemetry/traces/{traceId}", $"/api/telemetry/spans?traceId={traceId}",
            $"/api/telemetry/spans?resource=api&traceId={traceId}", $"/api/telemetry/spans?resource=web&traceId={traceId}",
            $"/api/telemetry/spans?resource={Replicas.Of(app, "web")[0]}&traceId={traceId}",
            $"/api/telemetry/logs?traceId={traceId}", "/api/telemetry/logs?resource=api&limit=2", "/api/telemetry/traces?resource=api&limit=1",
            "/api/telemetry/spans?resource=api&limit=3", "/api/telemetry/metrics", "/api/telemetry/metrics?resource=web", "/api/telemetry/instruments",
            "/api/telemetry/metrics/resources", "/api/telemetry/resources/web/metrics", "/api/telemetry/nothing", "/api/telemetry/spans?resource=nobody"])
        {
            using var r = await http.GetAsync(path, ct);
            var body = await r.Content.ReadAsStringAsync(ct);
            W($"GET {path} -> {(int)r.StatusCode} {r.Content.Headers.ContentType}\n{body[..Math.Min(body.Length, 6000)]}\n");
        }
        using var anon = new HttpClient(TestHttp.CreateHandler()) { BaseAddress = http.BaseAddress };
        using var a = await anon.GetAsync("/api/telemetry/spans", ct);
        W($"anon {(int)a.StatusCode}");
    }
}
