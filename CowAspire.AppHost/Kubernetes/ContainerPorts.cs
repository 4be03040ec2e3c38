namespace CowAspire.AppHost.Kubernetes;

/// <summary>Where each endpoint listens in its container (and its Service): its target port, else 8080, 8081… in order.</summary>
internal sealed class ContainerPorts(DistributedApplicationModel model)
{
    private readonly Dictionary<(string, string), int> _ports = model.Resources
        .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Select((e, i) => (Key: (r.Name, e.Name), Port: e.TargetPort ?? 8080 + i)))
        .ToDictionary(p => p.Key, p => p.Port);

    public int Of(IResource resource, string endpointName) => _ports[(resource.Name, endpointName)];
}
