using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>Passes the connection string as <c>ConnectionStrings__{name}</c>, as Aspire's client integrations read it.</summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(
        this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithConnectionString> source, string? connectionName = null, bool optional = false)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        var resource = source.Resource;
        var variable = resource.ConnectionStringEnvironmentVariable ?? $"ConnectionStrings__{connectionName ?? resource.Name}";
        builder.WithAnnotation(new ResourceRelationshipAnnotation(resource, "Reference"));
        return builder.WithEnvironment(async context =>
        {
            if (context.ExecutionContext.IsPublishMode)
            {
                // Known only where it is deployed: the manifest writes {name.connectionString}.
                context.EnvironmentVariables[variable] = resource;
                return;
            }
            var value = await resource.GetConnectionStringAsync(context.CancellationToken);
            if (value is null && !optional)
            {
                throw new DistributedApplicationException($"The connection string for the resource '{resource.Name}' is not available.");
            }
            context.EnvironmentVariables[variable] = value ?? "";
        });
    }

    /// <summary>
    /// Passes every endpoint of <paramref name="source"/> for .NET service discovery (<c>services__{name}__{scheme}__{n}</c>)
    /// and as <c>{NAME}_{ENDPOINT}</c>, as Aspire 13 does.
    /// </summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(
        this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithServiceDiscovery> source)
        where TDestination : IResourceWithEnvironment =>
        builder.WithReference(source, source.Resource.Name);

    public static IResourceBuilder<TDestination> WithReference<TDestination>(
        this IResourceBuilder<TDestination> builder, IResourceBuilder<IResourceWithServiceDiscovery> source, string name)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(source);
        builder.WithAnnotation(new ResourceRelationshipAnnotation(source.Resource, "Reference"));
        return builder.WithEnvironment(context =>
        {
            var indexByScheme = new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase);
            foreach (var endpoint in source.Resource.GetEndpoints())
            {
                AddEndpoint(context, name, endpoint, indexByScheme);
            }
        });
    }

    /// <summary>Passes one endpoint, for service discovery and as <c>{NAME}_{ENDPOINT}</c>.</summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, EndpointReference endpointReference)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(endpointReference);
        builder.WithAnnotation(new ResourceRelationshipAnnotation(endpointReference.Resource, "Reference"));
        return builder.WithEnvironment(context =>
            AddEndpoint(context, endpointReference.Resource.Name, endpointReference, new Dictionary<string, int>(StringComparer.OrdinalIgnoreCase)));
    }

    /// <summary>Passes a service outside the app model as <c>services__{name}__default__0</c>.</summary>
    public static IResourceBuilder<TDestination> WithReference<TDestination>(this IResourceBuilder<TDestination> builder, string name, Uri uri)
        where TDestination : IResourceWithEnvironment
    {
        ArgumentNullException.ThrowIfNull(uri);
        return builder.WithEnvironment($"services__{name}__default__0", uri.ToString());
    }

    private static void AddEndpoint(EnvironmentCallbackContext context, string serviceName, EndpointReference endpoint, Dictionary<string, int> indexByScheme)
    {
        context.EnvironmentVariables[$"{EncodeVariableName(serviceName).ToUpperInvariant()}_{EncodeVariableName(endpoint.EndpointName).ToUpperInvariant()}"] = endpoint;
        var scheme = endpoint.Scheme;
        var index = indexByScheme.GetValueOrDefault(scheme);
        while (context.EnvironmentVariables.ContainsKey($"services__{serviceName}__{scheme}__{index}"))
        {
            index++;
        }
        context.EnvironmentVariables[$"services__{serviceName}__{scheme}__{index}"] = endpoint;
        indexByScheme[scheme] = index + 1;
    }

    private static string EncodeVariableName(string name) => name.Replace('-', '_');
}
