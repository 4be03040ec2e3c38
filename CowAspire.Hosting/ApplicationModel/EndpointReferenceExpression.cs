using System.Globalization;

namespace Aspire.Hosting.ApplicationModel;

public enum EndpointProperty
{
    Url,
    Host,
    IPV4Host,
    Port,
    Scheme,
    TargetPort,
    HostAndPort,
}

/// <summary>One part of an endpoint (its host, its port…), for a <see cref="ReferenceExpression"/>.</summary>
public sealed class EndpointReferenceExpression(EndpointReference endpoint, EndpointProperty property)
    : IManifestExpressionProvider, IValueProvider, IValueWithReferences
{
    public EndpointReference Endpoint { get; } = endpoint;

    public EndpointProperty Property { get; } = property;

    public string ValueExpression => "{" + $"{Endpoint.Resource.Name}.bindings.{Endpoint.EndpointName}.{PropertyName}" + "}";

    private string PropertyName => Property switch
    {
        EndpointProperty.Url => "url",
        EndpointProperty.Host or EndpointProperty.IPV4Host => "host",
        EndpointProperty.Port => "port",
        EndpointProperty.Scheme => "scheme",
        EndpointProperty.TargetPort => "targetPort",
        _ => "hostAndPort",
    };

    IEnumerable<object> IValueWithReferences.References => [Endpoint];

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Property switch
    {
        EndpointProperty.Url => Endpoint.Url,
        EndpointProperty.Host or EndpointProperty.IPV4Host => Endpoint.Host,
        EndpointProperty.Port => Endpoint.Port.ToString(CultureInfo.InvariantCulture),
        EndpointProperty.Scheme => Endpoint.Scheme,
        EndpointProperty.TargetPort => Endpoint.TargetPort?.ToString(CultureInfo.InvariantCulture),
        _ => $"{Endpoint.Host}:{Endpoint.Port.ToString(CultureInfo.InvariantCulture)}",
    });
}
