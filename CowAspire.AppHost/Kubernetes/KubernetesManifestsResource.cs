#pragma warning disable ASPIREPIPELINES001 // Aspire's pipeline API is marked for evaluation; it is how 13.6 publishes.
#pragma warning disable ASPIREPIPELINES004 // IPipelineOutputService: where --output-path points.

using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace CowAspire.AppHost.Kubernetes;

/// <summary>
/// Where the app is deployed when published for Kubernetes: in publish mode, a pipeline step of its own,
/// <c>publish-{name}</c>, required by Aspire's <c>publish</c> step, writes the model as plain Kubernetes manifests into
/// the pipeline's output directory (<c>--output-path</c>). Nothing runs for it in run mode. The same shape as Aspire's
/// own <c>KubernetesEnvironmentResource</c> (which writes a Helm chart; no Aspire.Hosting.Kubernetes is served here).
/// </summary>
public sealed partial class KubernetesManifestsResource : Resource
{
    public KubernetesManifestsResource(string name) : base(name)
    {
        Annotations.Add(new PipelineStepAnnotation(_ =>
        {
            var step = new PipelineStep
            {
                Name = StepName,
                Description = $"Writes the app model as Kubernetes manifests ({Name}).",
                Action = PublishAsync,
            };
            step.RequiredBy(WellKnownPipelineSteps.Publish);
            return step;
        }));
    }

    /// <summary>The pipeline step that writes the manifests: <c>--step publish-{name}</c>, or <c>--publisher kubernetes</c>.</summary>
    public string StepName => $"publish-{Name}";

    public string DefaultImagePullPolicy { get; set; } = "IfNotPresent";

    public string DefaultStorageSize { get; set; } = "1Gi";

    public string? DefaultStorageClassName { get; set; }

    public string DefaultServiceType { get; set; } = "ClusterIP";

    /// <summary>
    /// The image of each project: <c>{0}</c> is its project name in lower case, as <c>dotnet publish -t:PublishContainer</c>
    /// names it, <c>{1}</c> is <see cref="ImageTag"/>.
    /// </summary>
    public string ImageNameFormat { get; set; } = "{0}:{1}";

    /// <summary>
    /// The tag of the projects' images: the build's version unless set (config <c>Kubernetes:ImageTag</c>), the tag
    /// <c>dotnet publish -t:PublishContainer</c> gives the image it builds (its <c>ContainerImageTag</c> is the
    /// <c>Version</c>). Never <c>latest</c>: a rollout must name what it runs.
    /// </summary>
    public string ImageTag { get; set; } = KubernetesImageTag.OfBuild();

    /// <summary>The host the ingress answers for (any host when null).</summary>
    public string? IngressHost { get; set; }

    /// <summary>The namespace of the ingress controller, the one peer the NetworkPolicies let reach the web.</summary>
    public string IngressNamespace { get; set; } = "ingress-nginx";

    /// <summary>The ingress controller's pods in <see cref="IngressNamespace"/>: ingress-nginx's chart labels them so.</summary>
    public string IngressControllerName { get; set; } = "ingress-nginx";

    /// <summary>
    /// The network the ingress controller's pods have addresses in (the cluster's pod CIDR; config
    /// <c>Kubernetes:IngressNetwork</c>): the web believes <c>X-Forwarded-For</c> from it alone. kubeadm's and kind's default.
    /// </summary>
    public string IngressNetwork { get; set; } = "10.244.0.0/16";

    /// <summary>
    /// Redis's <c>maxmemory</c> as a Kubernetes quantity; below its container's memory limit, which must also hold the
    /// clients' buffers and an AOF rewrite's copy-on-write pages.
    /// </summary>
    public string RedisMaxMemory { get; set; } = "768Mi";

    private async Task PublishAsync(PipelineStepContext context)
    {
        var outputPath = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
        var writer = new KubernetesManifestWriter(this, context.ExecutionContext, context.Logger);
        var files = await writer.WriteAsync(context.Model, outputPath, context.CancellationToken);
        Log.Published(context.Logger, files.Count, Path.GetFullPath(outputPath));
    }

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Information, "Published {Count} Kubernetes manifests to: {OutputPath}")]
        public static partial void Published(ILogger logger, int count, string outputPath);
    }
}
