using System.Globalization;

namespace CowAspire.AppHost.Kubernetes;

/// <summary>
/// The values Aspire's model gives a variable (the same objects its manifest writes as <c>{…}</c> placeholders) as they
/// read inside the cluster: an endpoint is its Service (the resource's name) and container port; Redis's password is
/// <c>$(REDIS_PASSWORD)</c>, a variable filled from its Secret, which <see cref="Secrets"/> lists so that it comes first.
/// </summary>
internal sealed class KubernetesValues(DistributedApplicationModel model, ContainerPorts ports)
{
    private readonly List<RedisResource> _secrets = [];

    /// <summary>The Redis resources whose password a value referred to, in order of first use.</summary>
    public IReadOnlyList<RedisResource> Secrets => _secrets;

    /// <summary>The value as text; null when it names an endpoint the container does not serve (HTTPS, which ends at the ingress).</summary>
    public async Task<string?> TextAsync(object? value, CancellationToken cancellationToken)
    {
        switch (value)
        {
            case null:
                return "";
            case string text:
                return text;
            case ParameterResource parameter:
                var redis = RedisOf(parameter);
                if (!_secrets.Contains(redis))
                {
                    _secrets.Add(redis);
                }
                return $"$({KubernetesManifestWriter.PasswordVariableName(redis)})";
            case ConnectionStringReference reference:
                return await TextAsync(reference.Resource.ConnectionStringExpression, cancellationToken);
            case IResourceWithConnectionString resource:
                return await TextAsync(resource.ConnectionStringExpression, cancellationToken);
            case EndpointReference endpoint:
                return Endpoint(endpoint, EndpointProperty.Url);
            case EndpointReferenceExpression expression:
                return Endpoint(expression.Endpoint, expression.Property);
            case ReferenceExpression { IsConditional: true } conditional:
                // Decided here, as Aspire decides a condition that is no parameter: Redis's ",ssl=true" when its endpoint has TLS.
                var condition = await TextAsync(conditional.Condition, cancellationToken);
                return await TextAsync(string.Equals(condition, conditional.MatchValue, StringComparison.OrdinalIgnoreCase) ? conditional.WhenTrue : conditional.WhenFalse, cancellationToken);
            case ReferenceExpression expression:
                var parts = new object[expression.ValueProviders.Count];
                for (var i = 0; i < parts.Length; i++)
                {
                    var provider = expression.ValueProviders[i];
                    if (await TextAsync(provider, cancellationToken) is not { } part)
                    {
                        return null;
                    }
                    parts[i] = expression.StringFormats[i] switch
                    {
                        null => part,
                        // A Secret cannot be URI-encoded on its way into $(VAR): Redis's password must be URI-safe (deploy/README.md).
                        "uri" => provider is ParameterResource ? part : Uri.EscapeDataString(part),
                        var format => throw new DistributedApplicationException($"The Kubernetes manifests cannot apply the format '{format}' to {provider.GetType().Name}."),
                    };
                }
                return string.Format(CultureInfo.InvariantCulture, expression.Format, parts);
            default:
                throw new DistributedApplicationException($"The Kubernetes manifests cannot write a value of type {value.GetType().Name}.");
        }
    }

    /// <summary>The secret parameter the value is, alone (a parameter, or an expression of it and nothing else); else null.</summary>
    public static ParameterResource? SecretOf(object? value) => value switch
    {
        ParameterResource { Secret: true } parameter => parameter,
        ReferenceExpression { IsConditional: false, Format: "{0}", ValueProviders: [var provider], StringFormats: [null] } => SecretOf(provider),
        _ => null,
    };

    /// <summary>The Redis whose password the parameter is: the only secret the manifests know where to find (its Secret).</summary>
    public RedisResource RedisOf(ParameterResource parameter) =>
        model.Resources.OfType<RedisResource>().FirstOrDefault(r => r.PasswordParameter == parameter)
        ?? throw new DistributedApplicationException($"The Kubernetes manifests cannot write the parameter '{parameter.Name}': only a Redis password comes from a Secret.");

    private string? Endpoint(EndpointReference reference, EndpointProperty property)
    {
        var resource = reference.Resource;
        var endpoint = resource.Annotations.OfType<EndpointAnnotation>().Single(e => e.Name == reference.EndpointName);
        if (resource is ProjectResource && !KubernetesManifestWriter.IsServed(endpoint))
        {
            return null;
        }
        var port = ports.Of(resource, endpoint.Name).ToString(CultureInfo.InvariantCulture);
        return property switch
        {
            EndpointProperty.Url => $"{endpoint.UriScheme}://{resource.Name}:{port}",
            EndpointProperty.Host or EndpointProperty.IPV4Host => resource.Name,
            EndpointProperty.Port or EndpointProperty.TargetPort => port,
            EndpointProperty.HostAndPort => $"{resource.Name}:{port}",
            EndpointProperty.Scheme => endpoint.UriScheme,
            EndpointProperty.TlsEnabled => endpoint.TlsEnabled ? bool.TrueString : bool.FalseString,
            _ => throw new DistributedApplicationException($"The Kubernetes manifests cannot write the {property} of {resource.Name}'s endpoint '{endpoint.Name}'."),
        };
    }
}
