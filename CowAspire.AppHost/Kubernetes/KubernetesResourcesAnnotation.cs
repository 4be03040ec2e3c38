namespace CowAspire.AppHost.Kubernetes;

/// <summary>
/// A workload's CPU and memory in the Kubernetes manifests, as Kubernetes quantities (<c>500m</c>, <c>2Gi</c>): what it
/// is scheduled with (requests) and what it may use (limits). deploy/README.md's capacity plan says where they come from.
/// </summary>
public sealed record KubernetesResourcesAnnotation(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit) : IResourceAnnotation;
