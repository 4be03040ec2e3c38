using System.Net;
using System.Net.Security;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using CowAspire.AppHost.Hosting;
using CowAspire.AppHost.Orchestration;

namespace CowAspire.AppHost.Testing;

/// <summary>What a test does with a running app, in the shape of Aspire.Hosting.Testing.</summary>
public static class DistributedApplicationTestingExtensions
{
    public static readonly TimeSpan DefaultWaitTimeout = TimeSpan.FromSeconds(60);
    private const int LogLinesInFailures = 30;

    /// <summary>Waits until every replica of <paramref name="name"/> runs and is healthy.</summary>
    public static Task WaitForResourceHealthyAsync(this DistributedApplication app, string name, TimeSpan? timeout = null, CancellationToken cancellationToken = default) =>
        app.WaitForResourceAsync(name, s => s.State == ResourceState.Running && s.Health == HealthStatus.Healthy, "running and healthy", timeout, cancellationToken);

    /// <summary>
    /// Waits until every replica of <paramref name="name"/> (a resource or one replica) meets <paramref name="condition"/>.
    /// Fails at once, naming the resource, its state and its last log lines, when the name is unknown or a replica
    /// failed to start; on timeout, fails with the same details.
    /// </summary>
    public static async Task WaitForResourceAsync(
        this DistributedApplication app, string name, Func<ResourceSnapshot, bool> condition, string description,
        TimeSpan? timeout = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        IReadOnlyList<ResourceInstance> instances;
        try
        {
            instances = app.Orchestrator.Find(name);
        }
        catch (KeyNotFoundException)
        {
            throw new InvalidOperationException(
                $"No resource or replica is named '{name}'. Known: {string.Join(", ", app.Orchestrator.Instances.Select(i => i.Name))}.");
        }

        var limit = timeout ?? DefaultWaitTimeout;
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(limit);
        // Judged on each notified snapshot, so a short-lived state (Exited before a restart) is not missed.
        var latest = new Dictionary<string, ResourceSnapshot>();
        try
        {
            await foreach (var snapshot in app.Orchestrator.WatchAsync(deadline.Token))
            {
                if (!instances.Any(i => i.Name == snapshot.Name))
                {
                    continue;
                }
                latest[snapshot.Name] = snapshot;
                if (latest.Count == instances.Count && latest.Values.All(condition))
                {
                    return;
                }
                if (snapshot.State == ResourceState.FailedToStart && !condition(snapshot))
                {
                    throw new DistributedApplicationException(
                        Describe(instances.First(i => i.Name == snapshot.Name), $"failed to start while waiting for it to be {description}"));
                }
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            var laggard = instances.First(i => !condition(i.Snapshot()));
            throw new TimeoutException(Describe(laggard, $"was not {description} within {limit.TotalSeconds:0} s"));
        }
    }

    /// <summary>
    /// A client for a resource's endpoint through its front door. Plain: no resilience handlers, which would cut
    /// long streams; HTTP/2 where the endpoint offers it; the development certificate accepted.
    /// </summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string endpointName = "https")
    {
        ArgumentNullException.ThrowIfNull(app);
        return new HttpClient(CreateHttpHandler())
        {
            BaseAddress = app.GetEndpoint(resourceName, endpointName),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = endpointName == "h2c" ? HttpVersionPolicy.RequestVersionExact : HttpVersionPolicy.RequestVersionOrLower,
            Timeout = Timeout.InfiniteTimeSpan,
        };
    }

    /// <summary>
    /// A handler that trusts the development certificate the services use (and only what validates or is that
    /// certificate), and holds many HTTP/2 streams on one connection, as a browser does.
    /// </summary>
    public static SocketsHttpHandler CreateHttpHandler() => new()
    {
        UseProxy = false,
        SslOptions = { RemoteCertificateValidationCallback = (_, certificate, _, errors) => errors == SslPolicyErrors.None || IsDevelopmentCertificate(certificate) },
        EnableMultipleHttp2Connections = false,
    };

    /// <summary>The ASP.NET Core development certificate, which <c>dotnet dev-certs https</c> makes (and nothing else).</summary>
    private static bool IsDevelopmentCertificate(X509Certificate? certificate) =>
        certificate is X509Certificate2 { Extensions: var extensions } && extensions.Any(e => e.Oid?.Value == "1.3.6.1.4.1.311.84.1.1");

    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string endpointName)
    {
        ArgumentNullException.ThrowIfNull(app);
        var resource = app.Orchestrator.Resources.FirstOrDefault(r => r.Name == resourceName)
            ?? throw new InvalidOperationException($"No resource is named '{resourceName}'.");
        return new Uri(resource.GetEndpoint(endpointName).Url);
    }

    public static string GetConnectionString(this DistributedApplication app, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(app);
        return app.Orchestrator.Resources.FirstOrDefault(r => r.Name == resourceName) is IResourceWithConnectionString resource
            ? resource.ConnectionString
            : throw new InvalidOperationException($"'{resourceName}' is not a resource with a connection string.");
    }

    internal static string Describe(ResourceInstance instance, string what)
    {
        var text = new StringBuilder()
            .Append($"Resource '{instance.Name}' {what}: state {instance.State}, health {instance.Health}")
            .Append(instance.Message is { } message ? $" ({message})" : "")
            .Append('.').AppendLine()
            .AppendLine($"Last {LogLinesInFailures} log lines of '{instance.Name}':");
        foreach (var line in instance.Logs.Snapshot(LogLinesInFailures))
        {
            text.Append("  ").Append(line.IsError ? "! " : "  ").AppendLine(line.Text);
        }
        return text.ToString();
    }
}

public sealed class DistributedApplicationException(string message) : Exception(message);
