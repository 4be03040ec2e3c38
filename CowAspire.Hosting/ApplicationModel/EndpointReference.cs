namespace Aspire.Hosting.ApplicationModel;

/// <summary>A resource's endpoint, named before its port is known and resolved once the app runs.</summary>
public sealed class EndpointReference : IManifestExpressionProvider, IValueProvider, IValueWithReferences
{
    private EndpointAnnotation? _endpoint;

    public EndpointReference(IResourceWithEndpoints owner, string endpointName)
    {
        ArgumentNullException.ThrowIfNull(owner);
        ArgumentException.ThrowIfNullOrEmpty(endpointName);
        Resource = owner;
        EndpointName = endpointName;
    }

    public EndpointReference(IResourceWithEndpoints owner, EndpointAnnotation endpoint)
        : this(owner, endpoint.Name) => _endpoint = endpoint;

    public IResourceWithEndpoints Resource { get; }

    public string EndpointName { get; }

    public bool Exists => FindEndpoint() is not null;

    public EndpointAnnotation EndpointAnnotation => FindEndpoint()
        ?? throw new InvalidOperationException($"Resource '{Resource.Name}' has no endpoint named '{EndpointName}'.");

    public bool IsAllocated => FindEndpoint()?.AllocatedEndpoint is not null;

    public string Scheme => EndpointAnnotation.UriScheme;

    public bool IsHttp => Scheme == "http";

    public bool IsHttps => Scheme == "https";

    public string Host => Allocated.Address;

    public int Port => Allocated.Port;

    public int? TargetPort => EndpointAnnotation.TargetPort;

    public string Url => Allocated.UriString;

    string IManifestExpressionProvider.ValueExpression => $"{{{Resource.Name}.bindings.{EndpointName}.url}}";

    IEnumerable<object> IValueWithReferences.References => [Resource];

    private AllocatedEndpoint Allocated => EndpointAnnotation.AllocatedEndpoint
        ?? throw new InvalidOperationException($"The endpoint '{EndpointName}' of '{Resource.Name}' has no port yet: the app has not started.");

    public EndpointReferenceExpression Property(EndpointProperty property) => new(this, property);

    public ValueTask<string?> GetValueAsync(CancellationToken cancellationToken = default) => ValueTask.FromResult<string?>(Url);

    private EndpointAnnotation? FindEndpoint() =>
        _endpoint ??= Resource.Annotations.OfType<EndpointAnnotation>()
            .FirstOrDefault(e => string.Equals(e.Name, EndpointName, StringComparison.OrdinalIgnoreCase));

    public override string ToString() => $"{Resource.Name}/{EndpointName}";
}
