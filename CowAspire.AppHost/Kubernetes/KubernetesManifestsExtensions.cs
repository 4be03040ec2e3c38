using Microsoft.Extensions.Configuration;

namespace CowAspire.AppHost.Kubernetes;

public static class KubernetesManifestsExtensions
{
    private const string PublisherName = "kubernetes";

    /// <summary>
    /// Publishes the app model as plain Kubernetes manifests: one file per resource and a kustomization listing them,
    /// written by the pipeline step <c>publish-{name}</c>. Run it with
    /// <c>dotnet run --project CowAspire.AppHost -- --publisher kubernetes --output-path DIR</c> (as Aspire maps
    /// <c>--publisher manifest</c> to its <c>publish-manifest</c> step), or <c>--operation publish --step publish-{name}</c>;
    /// Aspire's <c>publish</c> step runs it too.
    /// </summary>
    public static IResourceBuilder<KubernetesManifestsResource> AddKubernetesManifests(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrEmpty(name);
        var resource = new KubernetesManifestsResource(name);
        resource.ImageTag = builder.Configuration["Kubernetes:ImageTag"] is { Length: > 0 } tag ? tag : resource.ImageTag;
        resource.IngressNetwork = builder.Configuration["Kubernetes:IngressNetwork"] is { Length: > 0 } network ? network : resource.IngressNetwork;
        if (!builder.ExecutionContext.IsPublishMode)
        {
            // Kept out of the model, as Aspire does with its compute environments: nothing runs for it, nothing shows.
            return builder.CreateResourceBuilder(resource);
        }
        if (string.Equals(builder.Configuration["Publishing:Publisher"], PublisherName, StringComparison.OrdinalIgnoreCase)
            && string.IsNullOrEmpty(builder.Configuration["Pipeline:Step"]))
        {
            // Only this step (and what it depends on), not the whole pipeline: deploy, build and push need a container engine.
            builder.Configuration["Pipeline:Step"] = resource.StepName;
        }
        return builder.AddResource(resource).ExcludeFromManifest();
    }

    public static IResourceBuilder<KubernetesManifestsResource> WithProperties(
        this IResourceBuilder<KubernetesManifestsResource> builder, Action<KubernetesManifestsResource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(builder.Resource);
        return builder;
    }
}
