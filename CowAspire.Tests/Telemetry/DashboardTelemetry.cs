using System.Net.Http.Headers;
using System.Text.Json.Nodes;
using CowAspire.Dashboard;

namespace CowAspire.Tests.Telemetry;

/// <summary>The dashboard's telemetry as a client sees it: its API with the login token, and its OTLP/HTTP receiver.</summary>
public sealed class DashboardTelemetry : IDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(30);

    public DashboardTelemetry(DashboardInfo dashboard)
    {
        Info = dashboard;
        Api = new HttpClient { BaseAddress = new Uri(dashboard.BaseUrl), Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        Api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.Token);
        Otlp = new HttpClient { BaseAddress = new Uri(dashboard.OtlpHttpUrl) };
    }

    public DashboardInfo Info { get; }

    public HttpClient Api { get; }

    public HttpClient Otlp { get; }

    /// <summary>POSTs an OTLP body, with the API key unless told otherwise.</summary>
    public async Task<HttpResponseMessage> SendAsync(string path, HttpContent content, CancellationToken cancellationToken, string? apiKey = "")
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path) { Content = content };
        if (apiKey is not null)
        {
            request.Headers.Add("x-otlp-api-key", apiKey.Length == 0 ? Info.OtlpApiKey : apiKey);
        }
        return await Otlp.SendAsync(request, cancellationToken);
    }

    public async Task<JsonNode> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await Api.GetAsync(pathAndQuery, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {pathAndQuery}: {(int)response.StatusCode} {body}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// Asks the API until its answer satisfies <paramref name="condition"/> (services export every second);
    /// fails after <see cref="Timeout"/> with the last answer.
    /// </summary>
    public async Task<JsonNode> UntilAsync(string pathAndQuery, Func<JsonNode, bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + Timeout;
        while (true)
        {
            var answer = await GetAsync(pathAndQuery, cancellationToken);
            if (condition(answer))
            {
                return answer;
            }
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {Timeout.TotalSeconds:0} s waiting until {what}. Last answer of {pathAndQuery}: {answer.ToJsonString()[..Math.Min(4000, answer.ToJsonString().Length)]}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public void Dispose()
    {
        Api.Dispose();
        Otlp.Dispose();
    }
}

/// <summary>Reading OTLP JSON as the API returns it.</summary>
public static class OtlpJsonReading
{
    public sealed record Item(string Service, string Instance, JsonObject Body);

    public static IEnumerable<Item> Spans(JsonNode? otlp) => Items(otlp, "resourceSpans", "scopeSpans", "spans");

    public static IEnumerable<Item> Logs(JsonNode? otlp) => Items(otlp, "resourceLogs", "scopeLogs", "logRecords");

    public static IEnumerable<Item> Metrics(JsonNode? otlp) => Items(otlp, "resourceMetrics", "scopeMetrics", "metrics");

    public static string? Attribute(JsonNode? owner, string key) =>
        owner?["attributes"]?.AsArray().FirstOrDefault(a => (string?)a!["key"] == key)?["value"]?["stringValue"]?.GetValue<string>();

    private static IEnumerable<Item> Items(JsonNode? otlp, string resources, string scopes, string items)
    {
        foreach (var resource in otlp?[resources]?.AsArray() ?? [])
        {
            var service = Attribute(resource!["resource"], "service.name") ?? "";
            var instance = Attribute(resource!["resource"], "service.instance.id") ?? service;
            foreach (var scope in resource![scopes]?.AsArray() ?? [])
            {
                foreach (var item in scope![items]?.AsArray() ?? [])
                {
                    yield return new Item(service, instance, item!.AsObject());
                }
            }
        }
    }
}
