using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Configuration;

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
        // A default only where no source (the command line, the environment) says otherwise. Added, not inserted under
        // the others: inserting reloads every source, which loses what Aspire set in memory (--publisher manifest's
        // Pipeline:Step) and throws on the deployment state Aspire loads from a stream in publish mode.
        if (builder.Configuration["DcpPublisher:WaitForResourceCleanup"] is null)
        {
            builder.Configuration.AddInMemoryCollection([new("DcpPublisher:WaitForResourceCleanup", "true")]);
        }
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
