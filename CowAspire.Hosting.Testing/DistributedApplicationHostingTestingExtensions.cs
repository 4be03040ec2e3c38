using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting.Testing;

/// <summary>Reaching a running app's resources from a test.</summary>
public static class DistributedApplicationHostingTestingExtensions
{
    /// <summary>
    /// A client for the resource's endpoint (its http endpoint, else its https one, when none is named), made through
    /// <see cref="IHttpClientFactory"/> so that <c>ConfigureHttpClientDefaults</c> applies.
    /// </summary>
    public static HttpClient CreateHttpClient(this DistributedApplication app, string resourceName, string? endpointName = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var client = app.Services.GetRequiredService<IHttpClientFactory>().CreateClient();
        client.BaseAddress = app.GetEndpoint(resourceName, endpointName);
        return client;
    }

    public static Uri GetEndpoint(this DistributedApplication app, string resourceName, string? endpointName = null)
    {
        ArgumentNullException.ThrowIfNull(app);
        var resource = GetResource(app, resourceName) as IResourceWithEndpoints
            ?? throw new ArgumentException($"Resource '{resourceName}' has no allocated endpoints.", nameof(resourceName));
        var endpoint = (endpointName is { Length: > 0 } name ? [name] : (string[])["http", "https"])
            .Select(resource.GetEndpoint)
            .FirstOrDefault(e => e.IsAllocated)
            ?? throw new ArgumentException($"Endpoint '{endpointName}' for resource '{resourceName}' not found.", nameof(endpointName));
        return new Uri(endpoint.Url);
    }

    public static ValueTask<string?> GetConnectionStringAsync(this DistributedApplication app, string resourceName, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(app);
        return GetResource(app, resourceName) is IResourceWithConnectionString resource
            ? resource.GetConnectionStringAsync(cancellationToken)
            : throw new ArgumentException($"Resource '{resourceName}' does not expose a connection string.", nameof(resourceName));
    }

    private static IResource GetResource(DistributedApplication app, string resourceName)
    {
        ArgumentException.ThrowIfNullOrEmpty(resourceName);
        if (!app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.IsCancellationRequested)
        {
            throw new InvalidOperationException("The application has not been started.");
        }
        return app.Services.GetRequiredService<DistributedApplicationModel>().Resources
            .SingleOrDefault(r => string.Equals(r.Name, resourceName, StringComparison.OrdinalIgnoreCase))
            ?? throw new ArgumentException($"Resource '{resourceName}' not found.", nameof(resourceName));
    }
}
