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
        waiting.CancelAfter(TestConstants.LongTimeout);
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
            throw new TimeoutException($"{ResourceName} was not healthy with a login URL within {TestConstants.LongTimeout.TotalSeconds:0} s " +
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
    /// Asks the API until its answer satisfies <paramref name="condition"/>; fails after <see cref="TestConstants.LongTimeout"/> saying
    /// what it waited for, with the last answer.
    /// </summary>
    public async Task<JsonNode> UntilAsync(string pathAndQuery, Func<JsonNode, bool> condition, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + TestConstants.LongTimeout;
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
                throw new TimeoutException($"Timed out after {TestConstants.LongTimeout.TotalSeconds:0} s waiting until {what}. Last answer of {pathAndQuery}: {json[..Math.Min(4000, json.Length)]}");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(250), cancellationToken);
        }
    }

    public void Dispose() => Api.Dispose();
}
