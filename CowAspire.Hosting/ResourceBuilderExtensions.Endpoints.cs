using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <param name="port">Where clients connect (a free port when null); with <paramref name="isProxied"/> a front door.</param>
    /// <param name="targetPort">Where the process listens, when it must be fixed.</param>
    /// <param name="env">A variable that receives the port the process should listen on.</param>
    public static IResourceBuilder<T> WithEndpoint<T>(
        this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? scheme = null, string? name = null,
        string? env = null, bool isProxied = true, bool? isExternal = null, ProtocolType? protocol = null)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        var endpoint = new EndpointAnnotation(protocol ?? ProtocolType.Tcp, uriScheme: scheme, name: name, port: port, targetPort: targetPort,
            isExternal: isExternal, isProxied: isProxied);
        if (builder.Resource.Annotations.OfType<EndpointAnnotation>().Any(e => string.Equals(e.Name, endpoint.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"Endpoint with name '{endpoint.Name}' already exists. Endpoint name may not have been explicitly specified and was derived automatically from scheme argument (e.g. 'http', 'https', or 'tcp'). Multiple calls to WithEndpoint (and related methods) may result in a conflict if name argument is not specified. Each endpoint must have a unique name. For more information on networking in .NET Aspire see: https://aka.ms/dotnet/aspire/networking");
        }
        builder.WithAnnotation(endpoint);
        if (env is not null)
        {
            builder.WithAnnotation(new EndpointEnvironmentAnnotation(endpoint.Name, env));
        }
        return builder;
    }

    public static IResourceBuilder<T> WithEndpoint<T>(
        this IResourceBuilder<T> builder, int? port, int? targetPort, string? scheme, string? name, string? env, bool isProxied, bool? isExternal)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(port, targetPort, scheme, name, env, isProxied, isExternal, protocol: null);

    /// <summary>Changes the endpoint named <paramref name="endpointName"/>, creating it first unless told not to.</summary>
    public static IResourceBuilder<T> WithEndpoint<T>(
        this IResourceBuilder<T> builder, string endpointName, Action<EndpointAnnotation> callback, bool createIfNotExists = true)
        where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(callback);
        var endpoint = builder.Resource.Annotations.OfType<EndpointAnnotation>()
            .FirstOrDefault(e => string.Equals(e.Name, endpointName, StringComparison.OrdinalIgnoreCase));
        if (endpoint is null)
        {
            if (!createIfNotExists)
            {
                return builder;
            }
            endpoint = new EndpointAnnotation(ProtocolType.Tcp, name: endpointName);
            builder.WithAnnotation(endpoint);
        }
        callback(endpoint);
        return builder;
    }

    public static IResourceBuilder<T> WithHttpEndpoint<T>(
        this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? name = null, string? env = null, bool isProxied = true)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(port, targetPort, "http", name, env, isProxied);

    public static IResourceBuilder<T> WithHttpsEndpoint<T>(
        this IResourceBuilder<T> builder, int? port = null, int? targetPort = null, string? name = null, string? env = null, bool isProxied = true)
        where T : IResourceWithEndpoints =>
        builder.WithEndpoint(port, targetPort, "https", name, env, isProxied);

    /// <summary>Marks the HTTP endpoints as meant for people: listed on the ready line and in the dashboard.</summary>
    public static IResourceBuilder<T> WithExternalHttpEndpoints<T>(this IResourceBuilder<T> builder) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var endpoint in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https"))
        {
            endpoint.IsExternal = true;
        }
        return builder;
    }

    /// <summary>Serves every HTTP endpoint as HTTP/2 only (h2c on plain endpoints).</summary>
    public static IResourceBuilder<T> AsHttp2Service<T>(this IResourceBuilder<T> builder) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        foreach (var endpoint in builder.Resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https"))
        {
            endpoint.Transport = "http2";
        }
        return builder;
    }

    public static EndpointReference GetEndpoint<T>(this IResourceBuilder<T> builder, string name) where T : IResourceWithEndpoints
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.Resource.GetEndpoint(name);
    }
}

/// <summary>The variable that tells the process which port to listen on for an endpoint (<c>WithEndpoint(env: …)</c>).</summary>
internal sealed class EndpointEnvironmentAnnotation(string endpointName, string variable) : IResourceAnnotation
{
    public string EndpointName { get; } = endpointName;

    public string Variable { get; } = variable;
}
