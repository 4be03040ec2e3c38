using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CowAspire.AppHost.Lifecycle;

public static class LifecycleExtensions
{
    /// <summary>
    /// Prints the ready line once every resource is healthy, and makes the run's start and stop what the ready line
    /// promises: projects started as their built executables (<see cref="BuiltProjectLaunch"/>); on stop, the services
    /// stopped before what they use (<see cref="OrderedStop"/>), and the AppHost waiting until DCP has stopped every
    /// resource (<c>DcpPublisher:WaitForResourceCleanup</c>, which Aspire's testing builder sets too) rather than
    /// exiting while DCP still stops them.
    /// </summary>
    public static IDistributedApplicationBuilder AddReadyLine(this IDistributedApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.TryAddEventingSubscriber<ReadyLine>();
        // Start-up: no dotnet run per project (a third of the start's CPU, docs/startup.md).
        builder.Services.TryAddEventingSubscriber<BuiltProjectLaunch>();
        // Added after Aspire's own hosted services, so stopped before them (and so before DCP's clean-up).
        builder.Services.AddHostedService<OrderedStop>();
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
