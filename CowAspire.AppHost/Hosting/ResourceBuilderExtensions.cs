namespace CowAspire.AppHost.Hosting;

/// <summary>The wiring verbs of the app model, named and shaped as Aspire's.</summary>
public static class ResourceBuilderExtensions
{
    /// <summary>Starts <paramref name="builder"/> only once <paramref name="dependency"/> is running and healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<Resource> dependency)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        builder.Resource.WaitsFor.Add(dependency.Resource);
        return builder;
    }

    /// <summary>Passes a connection string as <c>ConnectionStrings__{name}</c>.</summary>
    public static IResourceBuilder<T> WithReference<T, TSource>(this IResourceBuilder<T> builder, IResourceBuilder<TSource> source)
        where T : Resource
        where TSource : Resource, IResourceWithConnectionString
    {
        ArgumentNullException.ThrowIfNull(source);
        return builder.WithEnvironment(context =>
            context.Variables[$"ConnectionStrings__{source.Resource.Name}"] = source.Resource.ConnectionString);
    }

    /// <summary>Passes every endpoint of a project as <c>services__{name}__{endpoint}__0</c>, for service discovery.</summary>
    public static IResourceBuilder<T> WithReference<T>(this IResourceBuilder<T> builder, IResourceBuilder<ProjectResource> source)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(source);
        return builder.WithEnvironment(context =>
        {
            foreach (var endpoint in source.Resource.Endpoints)
            {
                context.Variables[$"services__{source.Resource.Name}__{endpoint.Name}__0"] = endpoint.Url;
            }
        });
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, string name, string value)
        where T : Resource
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        return builder.WithEnvironment(context => context.Variables[name] = value);
    }

    public static IResourceBuilder<T> WithEnvironment<T>(this IResourceBuilder<T> builder, Action<EnvironmentContext> callback)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(callback);
        builder.Resource.Environment.Add(callback);
        return builder;
    }

    public static IResourceBuilder<T> WithHttpEndpoint<T>(
        this IResourceBuilder<T> builder, int? port = null, string name = "http", string? protocols = null)
        where T : Resource => builder.WithEndpoint(name, "http", port, protocols);

    public static IResourceBuilder<T> WithHttpsEndpoint<T>(
        this IResourceBuilder<T> builder, int? port = null, string name = "https", string? protocols = null)
        where T : Resource => builder.WithEndpoint(name, "https", port, protocols);

    public static IResourceBuilder<T> WithEndpoint<T>(
        this IResourceBuilder<T> builder, string name, string scheme, int? port = null, string? protocols = null, bool isProxied = true)
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ResourceNames.Validate(name);
        if (builder.Resource.Endpoints.Exists(e => e.Name == name))
        {
            throw new InvalidOperationException($"Resource '{builder.Resource.Name}' already has an endpoint named '{name}'.");
        }
        builder.Resource.Endpoints.Add(new EndpointAnnotation(name, scheme, port, isProxied, protocols));
        return builder;
    }

    /// <summary>Health is a GET of <paramref name="path"/> on each replica's <paramref name="endpointName"/> endpoint answering 2xx.</summary>
    public static IResourceBuilder<T> WithHttpHealthCheck<T>(this IResourceBuilder<T> builder, string path = "/health", string endpointName = "http")
        where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.HealthCheck = new HealthCheckAnnotation(path, endpointName);
        return builder;
    }

    public static IResourceBuilder<T> WithReplicas<T>(this IResourceBuilder<T> builder, int replicas) where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        builder.Resource.Replicas = replicas;
        return builder;
    }

    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : Resource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Resource.HasExternalEndpoints = true;
        return builder;
    }
}
