namespace CowAspire.AppHost.Kubernetes;

/// <summary>
/// A workload's CPU and memory in the Kubernetes manifests, as Kubernetes quantities (<c>500m</c>, <c>2Gi</c>): what it
/// is scheduled with (requests) and what it may use (limits). deploy/README.md's capacity plan says where they come from.
/// </summary>
public sealed record KubernetesResourcesAnnotation(string CpuRequest, string MemoryRequest, string CpuLimit, string MemoryLimit) : IResourceAnnotation;

public static class KubernetesResourcesExtensions
{
    /// <summary>Gives the resource's container these requests and limits in the Kubernetes manifests (nothing changes in run mode).</summary>
    public static IResourceBuilder<T> WithKubernetesResources<T>(this IResourceBuilder<T> builder,
        string cpuRequest, string memoryRequest, string cpuLimit, string memoryLimit) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.WithAnnotation(new KubernetesResourcesAnnotation(cpuRequest, memoryRequest, cpuLimit, memoryLimit), ResourceAnnotationMutationBehavior.Replace);
    }
}
