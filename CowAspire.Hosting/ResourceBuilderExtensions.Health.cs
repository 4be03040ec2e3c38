using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static partial class ResourceBuilderExtensions
{
    private static readonly string[] HttpSchemes = ["https", "http"];

    /// <summary>
    /// Healthy when a GET of <paramref name="path"/> answers <paramref name="statusCode"/>, asked of every replica on its own
    /// port (not through the front door, so one unhealthy replica is not hidden by a healthy one).
    /// </summary>
    /// <param name="endpointName">An HTTP endpoint of the resource; its https endpoint, else its http one, when null.</param>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string? path = null, int? statusCode = null, string? endpointName = null)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoints = builder.Resource.Annotations.OfType<EndpointAnnotation>().ToList();
        var endpoint = endpointName is not null
            ? endpoints.FirstOrDefault(e => string.Equals(e.Name, endpointName, StringComparison.OrdinalIgnoreCase))
                ?? throw new DistributedApplicationException($"Could not create HTTP health check for resource '{builder.Resource.Name}' as the endpoint with name '{endpointName}' could not be found.")
            : HttpSchemes.Select(s => endpoints.FirstOrDefault(e => e.Name == s)).FirstOrDefault(e => e is not null)
                ?? throw new DistributedApplicationException($"Could not create HTTP health check for resource '{builder.Resource.Name}' as no endpoint named 'https' or 'http' could be found.");
        if (endpoint.UriScheme is not ("http" or "https"))
        {
            throw new DistributedApplicationException($"Could not create HTTP health check for resource '{builder.Resource.Name}' as the endpoint with name '{endpoint.Name}' and scheme '{endpoint.UriScheme}' is not an HTTP endpoint.");
        }
        return builder.WithAnnotation(new HttpHealthProbeAnnotation(endpoint.Name, path ?? "/", statusCode ?? 200));
    }

    /// <summary>Health comes from the health check registered with <c>builder.Services.AddHealthChecks()</c> under <paramref name="key"/>.</summary>
    public static IResourceBuilder<T> WithHealthCheck<T>(this IResourceBuilder<T> builder, string key) where T : IResource
    {
        ArgumentException.ThrowIfNullOrEmpty(key);
        return builder.WithAnnotation(new HealthCheckAnnotation(key));
    }
}
