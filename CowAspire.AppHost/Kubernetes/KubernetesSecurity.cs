using k8s.Models;

namespace CowAspire.AppHost.Kubernetes;

/// <summary>
/// What every pod and container runs as: a numeric non-root user (so <c>runAsNonRoot</c> can be checked without the
/// image), no privilege escalation, no capabilities, the runtime's seccomp profile and a read-only root filesystem
/// (what a process writes goes to a volume), no service-account token and no service-link variables.
/// </summary>
internal static class KubernetesSecurity
{
    /// <summary>The <c>app</c> user of the .NET images <c>dotnet publish -t:PublishContainer</c> builds on.</summary>
    public const long DotNetUser = 1654;

    /// <summary>The <c>redis</c> user and group of the redis image, which its entrypoint switches to when started as root.</summary>
    public const long RedisUser = 999;

    private static V1SeccompProfile RuntimeDefault => new() { Type = "RuntimeDefault" };

    /// <param name="fsGroup">Whether the pod's volumes (a claim, a Secret) must be made the user's group's, to be written or read.</param>
    public static V1PodSecurityContext Pod(long user, bool fsGroup) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = user,
        RunAsGroup = user,
        FsGroup = fsGroup ? user : null,
        SeccompProfile = RuntimeDefault,
    };

    public static V1SecurityContext Container(long user) => new()
    {
        RunAsNonRoot = true,
        RunAsUser = user,
        RunAsGroup = user,
        ReadOnlyRootFilesystem = true,
        AllowPrivilegeEscalation = false,
        Privileged = false,
        Capabilities = new V1Capabilities { Drop = ["ALL"] },
        SeccompProfile = RuntimeDefault,
    };

    /// <summary>The pod settings every workload shares: no API token (nothing here calls the Kubernetes API), no service links.</summary>
    public static V1PodSpec Harden(this V1PodSpec spec, long user, bool fsGroup)
    {
        spec.SecurityContext = Pod(user, fsGroup);
        spec.AutomountServiceAccountToken = false;
        spec.EnableServiceLinks = false;
        return spec;
    }

    public static V1ResourceRequirements Resources(KubernetesResourcesAnnotation resources) => new()
    {
        Requests = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(resources.CpuRequest), ["memory"] = new(resources.MemoryRequest) },
        Limits = new Dictionary<string, ResourceQuantity> { ["cpu"] = new(resources.CpuLimit), ["memory"] = new(resources.MemoryLimit) },
    };

    public static KubernetesResourcesAnnotation ResourcesOf(IResource resource) =>
        resource.Annotations.OfType<KubernetesResourcesAnnotation>().LastOrDefault()
        ?? throw new DistributedApplicationException($"'{resource.Name}' has no CPU and memory for Kubernetes: give it WithKubernetesResources(...) from deploy/README.md's capacity plan.");
}
