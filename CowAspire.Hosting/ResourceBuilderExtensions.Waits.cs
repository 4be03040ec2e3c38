using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static partial class ResourceBuilderExtensions
{
    /// <summary>Starts the resource only once every replica of <paramref name="dependency"/> runs and is healthy.</summary>
    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        builder.AddWait(dependency, new WaitAnnotation(dependency.Resource, WaitType.WaitUntilHealthy));

    public static IResourceBuilder<T> WaitFor<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, WaitBehavior waitBehavior)
        where T : IResourceWithWaitSupport =>
        builder.AddWait(dependency, new WaitAnnotation(dependency.Resource, WaitType.WaitUntilHealthy) { WaitBehavior = waitBehavior });

    /// <summary>Starts the resource once <paramref name="dependency"/>'s process has started, healthy or not.</summary>
    public static IResourceBuilder<T> WaitForStart<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency)
        where T : IResourceWithWaitSupport =>
        builder.AddWait(dependency, new WaitAnnotation(dependency.Resource, WaitType.WaitUntilStarted));

    /// <summary>Starts the resource once <paramref name="dependency"/> has run to completion with <paramref name="exitCode"/>.</summary>
    public static IResourceBuilder<T> WaitForCompletion<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, int exitCode = 0)
        where T : IResourceWithWaitSupport =>
        builder.AddWait(dependency, new WaitAnnotation(dependency.Resource, WaitType.WaitForCompletion, exitCode));

    private static IResourceBuilder<T> AddWait<T>(this IResourceBuilder<T> builder, IResourceBuilder<IResource> dependency, WaitAnnotation wait)
        where T : IResourceWithWaitSupport
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentNullException.ThrowIfNull(dependency);
        if (ReferenceEquals(builder.Resource, dependency.Resource))
        {
            throw new DistributedApplicationException($"The '{builder.Resource.Name}' resource cannot wait for itself.");
        }
        builder.WithAnnotation(new ResourceRelationshipAnnotation(dependency.Resource, "WaitFor"));
        return builder.WithAnnotation(wait);
    }
}
