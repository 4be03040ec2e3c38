namespace CowAspire.AppHost.Kubernetes;

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
