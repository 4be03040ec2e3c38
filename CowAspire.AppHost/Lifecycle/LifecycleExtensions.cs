using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Configuration.Memory;

namespace CowAspire.AppHost.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>
    /// Prints the ready line once every resource is healthy; and makes the AppHost's stop wait until DCP has stopped
    /// every resource (<c>DcpPublisher:WaitForResourceCleanup</c>, which Aspire's testing builder sets too), so that
    /// Ctrl+C ends with no process of the run left rather than DCP finishing the clean-up after the AppHost exited.
    /// </summary>
    public static IDistributedApplicationBuilder AddReadyLine(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEventingSubscriber<ReadyLine>();
        // A default under every other source (the command line, the environment) so they can still say otherwise.
        builder.Configuration.Sources.Insert(0, new MemoryConfigurationSource
        {
            InitialData = [new("DcpPublisher:WaitForResourceCleanup", "true")],
        });
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
