using System.Text.Json.Nodes;
using CowAspire.Tests.Infrastructure;
using Microsoft.Extensions.Configuration;

namespace CowAspire.Tests.Telemetry;

/// <summary>
/// Aspire's dashboard as a client sees it: its address and login URL from the <c>aspire-dashboard</c> resource's
/// snapshot, and its telemetry API (<c>/api/telemetry/…</c>, OTLP JSON), which the AppHost turns on with the key
/// <c>AppHost:DashboardApiKey</c> (sent as <c>x-api-key</c>).
/// </summary>
public sealed class DashboardTelemetry : IDisposable
{
    public const string ResourceName = "aspire-dashboard";

    /// <summary>
    /// How long telemetry may take to show: services export every second, but Aspire's Redis instrumentation makes its
    /// spans only when it next flushes its profiling sessions (about every 10 s).
    /// </summary>
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);

    private DashboardTelemetry(Uri loginUrl, Uri otlpGrpcUrl, string apiKey, string otlpApiKey)
    {
        LoginUrl = loginUrl;
        BaseUrl = new Uri(loginUrl.GetLeftPart(UriPartial.Authority));
        OtlpGrpcUrl = otlpGrpcUrl;
        OtlpApiKey = otlpApiKey;
        Api = new HttpClient(TestHttp.CreateHandler()) { BaseAddress = BaseUrl, Timeout = System.Threading.Timeout.InfiniteTimeSpan };
        Api.DefaultRequestHeaders.Add("x-api-key", apiKey);
    }

    /// <summary>The dashboard's front end, as the AppHost publishes it (DCP's proxy).</summary>
    public Uri BaseUrl { get; }

    /// <summary>The URL the AppHost prints: <c>/login?t=</c> with the browser token.</summary>
    public Uri LoginUrl { get; }

    /// <summary>Where the AppHost tells services to export (the dashboard's OTLP/gRPC endpoint).</summary>
    public Uri OtlpGrpcUrl { get; }

    /// <summary>The key services send with their exports (<c>x-otlp-api-key</c>), which the AppHost gives the dashboard too.</summary>
    public string OtlpApiKey { get; }

    public HttpClient Api { get; }

    /// <summary>Waits until the app's dashboard serves, and reads where it is and how to get in.</summary>
    public static async Task<DashboardTelemetry> ConnectAsync(DistributedApplication app, CancellationToken cancellationToken)
    {
        using var waiting = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        waiting.CancelAfter(TestTimeouts.Resource);
        ResourceEvent dashboard;
        try
        {
            dashboard = await app.ResourceNotifications.WaitForResourceAsync(ResourceName,
                e => e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                    && e.Snapshot.Urls.Any(IsLoginUrl) && e.Snapshot.Urls.Any(u => u.Name == "otlp-grpc"),
                waiting.Token);
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            app.ResourceNotifications.TryGetCurrentState(ResourceName, out var last);
            throw new TimeoutException($"{ResourceName} was not healthy with a login URL within {TestTimeouts.Resource.TotalSeconds:0} s " +
                $"(state {last?.Snapshot.State?.Text ?? "none"}, health {last?.Snapshot.HealthStatus?.ToString() ?? "none"}, " +
                $"URLs {string.Join(", ", last?.Snapshot.Urls.Select(u => $"{u.Name}={u.Url}") ?? [])}). Is the app started with its dashboard?");
        }
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        return new DashboardTelemetry(
            new Uri(dashboard.Snapshot.Urls.First(IsLoginUrl).Url),
            new Uri(dashboard.Snapshot.Urls.First(u => u.Name == "otlp-grpc").Url),
            configuration["AppHost:DashboardApiKey"] ?? throw new InvalidOperationException("The AppHost has no AppHost:DashboardApiKey: the dashboard's telemetry API is off."),
            configuration["AppHost:OtlpApiKey"] ?? throw new InvalidOperationException("The AppHost has no AppHost:OtlpApiKey."));
    }

    private static bool IsLoginUrl(UrlSnapshot url) => url.Url.Contains("/login?t=", StringComparison.Ordinal);

    public async Task<JsonNode> GetAsync(string pathAndQuery, CancellationToken cancellationToken)
    {
        using var response = await Api.GetAsync(pathAndQuery, cancellationToken);
        var body = await response.Content.ReadAsStringAsync(cancellationToken);
        Assert.True(response.IsSuccessStatusCode, $"GET {pathAndQuery}: {(int)response.StatusCode} {body}");
        // An unknown /api/telemetry/… path is not refused: the dashboard's own page answers it.
        Assert.True(response.Content.Headers.ContentType?.MediaType == "application/json",
            $"GET {pathAndQuery} answered {response.Content.Headers.ContentType} rather than the API's JSON: {body[..Math.Min(300, body.Length)]}");
        return JsonNode.Parse(body)!;
    }

    /// <summary>
    /// Asks the API until its answer satisfies <paramref name="condition"/>; fails after <see cref="Timeout"/> saying
    /// what it waited for, with the last answer.
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
                var json = answer.ToJsonString();
                throw new TimeoutException($"Timed out after {Timeout.TotalSeconds:0} s waiting until {what}. Last answer of {pathAndQuery}: {json[..Math.Min(4000, json.Length)]}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    public void Dispose() => Api.Dispose();
}

/// <summary>Reading OTLP JSON as the dashboard's API returns it (every attribute value as a string).</summary>
public static class OtlpJsonReading
{
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    /// <param name="Service">The resource's <c>service.name</c>: <c>web</c>, <c>api</c>.</param>
    /// <param name="Resource">
    /// The instance it came from as Aspire names it (<c>service.name</c>-<c>service.instance.id</c>): the resource id of
    /// <see cref="Infrastructure.Replicas.Of"/>, <c>web-abcd1234</c>.
    /// </param>
    public sealed record Item(string Service, string Resource, JsonObject Body)
    {
        public string? Name => (string?)Body["name"];

        public int? Kind => (int?)Body["kind"];

        public string? TraceId => (string?)Body["traceId"];

        public string? SpanId => (string?)Body["spanId"];

        public string? ParentSpanId => (string?)Body["parentSpanId"] is { Length: > 0 } parent ? parent : null;

        public string? Message => (string?)Body["body"]?["stringValue"];

        public string? this[string attribute] => Attribute(Body, attribute);
    }

    public static IEnumerable<Item> Spans(JsonNode answer) => Items(answer["data"], "resourceSpans", "scopeSpans", "spans");

    public static IEnumerable<Item> Logs(JsonNode answer) => Items(answer["data"], "resourceLogs", "scopeLogs", "logRecords");

    public static string? Attribute(JsonNode? owner, string key) =>
        owner?["attributes"]?.AsArray().FirstOrDefault(a => (string?)a!["key"] == key)?["value"]?["stringValue"]?.GetValue<string>();

    private static IEnumerable<Item> Items(JsonNode? otlp, string resources, string scopes, string items)
    {
        foreach (var resource in otlp?[resources]?.AsArray() ?? [])
        {
            var service = Attribute(resource!["resource"], "service.name") ?? "";
            var instance = Attribute(resource!["resource"], "service.instance.id");
            foreach (var scope in resource![scopes]?.AsArray() ?? [])
            {
                foreach (var item in scope![items]?.AsArray() ?? [])
                {
                    yield return new Item(service, instance is null ? service : $"{service}-{instance}", item!.AsObject());
                }
            }
        }
    }
}
