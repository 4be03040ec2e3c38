using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CowAspire.Hosting.Orchestration;

/// <param name="Answers">The process answered at all (an HTTP 503 included).</param>
internal readonly record struct ProbeResult(HealthStatus Status, bool Answers, string? Description);

/// <summary>
/// One health answer per replica: its HTTP health endpoint on its own port (<c>WithHttpHealthCheck</c>), and the health
/// checks registered under the resource's keys (<c>WithHealthCheck</c>, e.g. a Redis PING).
/// </summary>
internal sealed class HealthProbe(HealthCheckService healthChecks) : IDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        UseProxy = false,
        // Replicas serve HTTPS with the development certificate; the probe only asks them how they are.
        SslOptions = { RemoteCertificateValidationCallback = DevelopmentCertificate.Validate },
    })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    public static bool HasChecks(IResource resource) =>
        resource.Annotations.Any(a => a is HttpHealthProbeAnnotation or HealthCheckAnnotation);

    public static string Describe(IResource resource) => string.Join(", ", resource.Annotations.Select(a => a switch
    {
        HttpHealthProbeAnnotation http => $"GET {http.Path} on {http.EndpointName}",
        HealthCheckAnnotation keyed => keyed.Key,
        _ => null,
    }).OfType<string>());

    public async Task<ProbeResult> CheckAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        var results = new List<ProbeResult>();
        foreach (var http in instance.Resource.Annotations.OfType<HttpHealthProbeAnnotation>())
        {
            results.Add(await CheckHttpAsync(instance, http, cancellationToken));
        }
        var keys = instance.Resource.Annotations.OfType<HealthCheckAnnotation>().Select(a => a.Key).ToHashSet();
        if (keys.Count > 0)
        {
            var report = await healthChecks.CheckHealthAsync(r => keys.Contains(r.Name), cancellationToken);
            results.Add(new ProbeResult(report.Status, Answers: report.Status == HealthStatus.Healthy,
                string.Join("; ", report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"{e.Key}: {e.Value.Description ?? e.Value.Exception?.Message}"))));
        }
        return results.Count == 0
            ? new ProbeResult(HealthStatus.Healthy, Answers: true, null)
            : new ProbeResult(results.Min(r => r.Status), results.All(r => r.Answers),
                string.Join("; ", results.Select(r => r.Description).Where(d => !string.IsNullOrEmpty(d))) is { Length: > 0 } d ? d : null);
    }

    private async Task<ProbeResult> CheckHttpAsync(ResourceInstance instance, HttpHealthProbeAnnotation check, CancellationToken cancellationToken)
    {
        var endpoint = instance.Resource.Annotations.OfType<EndpointAnnotation>().First(e => e.Name == check.EndpointName);
        var uri = new Uri(new Uri(instance.ReplicaUrl(endpoint)), check.Path);
        try
        {
            using var response = await _http.GetAsync(uri, cancellationToken);
            return (int)response.StatusCode == check.StatusCode
                ? new ProbeResult(HealthStatus.Healthy, Answers: true, null)
                : new ProbeResult(HealthStatus.Unhealthy, Answers: true, $"GET {check.Path} answered {(int)response.StatusCode}");
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException or OperationCanceledException)
        {
            // Unreachable, refused or cut short (the replica is stopping): not healthy, whatever the reason.
            return new ProbeResult(HealthStatus.Unhealthy, Answers: false, $"GET {check.Path}: {ex.Message}");
        }
    }

    public void Dispose() => _http.Dispose();
}
