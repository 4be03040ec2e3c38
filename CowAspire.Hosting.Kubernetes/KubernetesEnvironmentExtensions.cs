using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Kubernetes;
using Microsoft.Extensions.DependencyInjection;

namespace Aspire.Hosting;

public static class KubernetesEnvironmentExtensions
{
    /// <summary>Adds a Kubernetes environment: <c>--publisher kubernetes --output-path DIR</c> writes the model's manifests there.</summary>
    public static IResourceBuilder<KubernetesEnvironmentResource> AddKubernetesEnvironment(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var environment = builder.AddResource(new KubernetesEnvironmentResource(name))
            .WithAnnotation(ManifestPublishingCallbackAnnotation.Ignore);
        builder.Services.AddKeyedSingleton<Publishing.IDistributedApplicationPublisher>("kubernetes",
            (services, _) => new KubernetesPublisher(environment.Resource, builder.ExecutionContext));
        return environment;
    }

    public static IResourceBuilder<KubernetesEnvironmentResource> WithProperties(
        this IResourceBuilder<KubernetesEnvironmentResource> builder, Action<KubernetesEnvironmentResource> configure)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(configure);
        configure(builder.Resource);
        return builder;
    }
}
