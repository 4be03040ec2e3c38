using Aspire.Hosting.Lifecycle;

namespace CowAspire.AppHost.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>Prints the ready line once every resource is healthy.</summary>
    public static IDistributedApplicationBuilder AddReadyLine(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEventingSubscriber<ReadyLine>();
        return builder;
    }

    /// <summary>Starts the resource's processes again when they exit unasked, with a backoff.</summary>
    public static IResourceBuilder<T> WithRestartOnCrash<T>(this IResourceBuilder<T> builder) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.ApplicationBuilder.Services.TryAddEventingSubscriber<CrashRestarter>();
        return builder.WithAnnotation(new RestartOnCrashAnnotation(), ResourceAnnotationMutationBehavior.Replace);
    }
}
