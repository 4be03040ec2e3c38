using k8s.Models;

namespace CowAspire.AppHost.Kubernetes;

/// <summary>
/// The app's traffic as NetworkPolicies: everything of the app denied both ways, then for each workload the
/// connections the model makes (<c>WithReference</c>: web → api and Redis, api → Redis) to the ports the target serves,
/// the ingress controller to the web (an external endpoint), and DNS. Nothing else goes in or out.
/// </summary>
internal sealed class KubernetesNetworkPolicies(KubernetesManifestsResource environment, ContainerPorts ports)
{
    public const string FileName = "network-policies.yaml";

    private const string PartOf = "app.kubernetes.io/part-of";
    private const string NameLabel = "app.kubernetes.io/name";

    /// <summary>The relationship <c>WithReference</c> records (Aspire's own KnownRelationshipTypes is internal).</summary>
    private const string ReferenceRelationship = "Reference";

    public List<object> Of(DistributedApplicationModel model)
    {
        var workloads = model.Resources.Where(r => r is RedisResource or ProjectResource).ToList();
        var edges = workloads
            .SelectMany(from => from.Annotations.OfType<ResourceRelationshipAnnotation>()
                .Where(r => r.Type == ReferenceRelationship && workloads.Contains(r.Resource))
                .Select(r => (From: from, To: r.Resource)))
            .Distinct()
            .ToList();
        var app = new V1LabelSelector { MatchLabels = new Dictionary<string, string> { [PartOf] = "cowaspire" } };
        var objects = new List<object>
        {
            Policy("default-deny", app, ingress: [], egress: []),
            Policy("dns", app, ingress: null, egress:
            [
                new V1NetworkPolicyEgressRule
                {
                    To = [new V1NetworkPolicyPeer { NamespaceSelector = Namespace("kube-system"), PodSelector = Pods("k8s-app", "kube-dns") }],
                    Ports = [new V1NetworkPolicyPort { Protocol = "UDP", Port = 53 }, new V1NetworkPolicyPort { Protocol = "TCP", Port = 53 }],
                },
            ]),
        };
        foreach (var workload in workloads)
        {
            var ingress = edges.Where(e => e.To == workload)
                .Select(e => new V1NetworkPolicyIngressRule { FromProperty = [new V1NetworkPolicyPeer { PodSelector = Pods(NameLabel, e.From.Name) }], Ports = Served(workload) })
                .ToList();
            if (workload.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal))
            {
                ingress.Insert(0, new V1NetworkPolicyIngressRule
                {
                    FromProperty = [new V1NetworkPolicyPeer { NamespaceSelector = Namespace(environment.IngressNamespace), PodSelector = Pods(NameLabel, environment.IngressControllerName) }],
                    Ports = Served(workload),
                });
            }
            var egress = edges.Where(e => e.From == workload)
                .Select(e => new V1NetworkPolicyEgressRule { To = [new V1NetworkPolicyPeer { PodSelector = Pods(NameLabel, e.To.Name) }], Ports = Served(e.To) })
                .ToList();
            objects.Add(Policy(workload.Name, Pods(NameLabel, workload.Name), ingress, egress));
        }
        return objects;
    }

    /// <param name="ingress">Null: the policy says nothing of incoming traffic; empty: none.</param>
    private static V1NetworkPolicy Policy(string name, V1LabelSelector pods, List<V1NetworkPolicyIngressRule>? ingress, List<V1NetworkPolicyEgressRule> egress) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "NetworkPolicy",
        Metadata = new V1ObjectMeta { Name = name, Labels = new Dictionary<string, string> { [PartOf] = "cowaspire" } },
        Spec = new V1NetworkPolicySpec
        {
            PodSelector = pods,
            PolicyTypes = ingress is null ? ["Egress"] : ["Ingress", "Egress"],
            Ingress = ingress is { Count: > 0 } ? ingress : null,
            Egress = egress.Count > 0 ? egress : null,
        },
    };

    /// <summary>The ports the workload's container listens on for other pods (a project's plain-HTTP ones).</summary>
    private List<V1NetworkPolicyPort> Served(IResource resource) =>
    [
        .. resource.Annotations.OfType<EndpointAnnotation>()
            .Where(e => resource is not ProjectResource || KubernetesManifestWriter.IsServed(e))
            .Select(e => new V1NetworkPolicyPort { Protocol = "TCP", Port = ports.Of(resource, e.Name) }),
    ];

    private static V1LabelSelector Pods(string label, string value) => new() { MatchLabels = new Dictionary<string, string> { [label] = value } };

    private static V1LabelSelector Namespace(string name) => Pods("kubernetes.io/metadata.name", name);
}
