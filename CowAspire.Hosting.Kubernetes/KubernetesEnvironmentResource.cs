using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting.Kubernetes;

/// <summary>
/// Where the app is deployed when published for Kubernetes (<c>--publisher kubernetes</c>). Nothing runs for it here.
/// </summary>
public sealed class KubernetesEnvironmentResource(string name) : Resource(name)
{
    public string DefaultImagePullPolicy { get; set; } = "IfNotPresent";

    public string DefaultStorageSize { get; set; } = "1Gi";

    public string? DefaultStorageClassName { get; set; }

    public string DefaultServiceType { get; set; } = "ClusterIP";

    /// <summary>The image of each project: <c>{0}</c> is its project name in lower case, as <c>dotnet publish -t:PublishContainer</c> names it.</summary>
    public string ImageNameFormat { get; set; } = "{0}:latest";

    /// <summary>The host the ingress answers for (any host when null).</summary>
    public string? IngressHost { get; set; }
}
