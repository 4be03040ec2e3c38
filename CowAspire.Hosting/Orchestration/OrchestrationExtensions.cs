using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CowAspire.Hosting.Orchestration;

internal static class OrchestrationExtensions
{
    /// <summary>The services of a built app: Aspire's public ones, the orchestrator behind them, and the dashboard.</summary>
    public static void AddOrchestration(this HostApplicationBuilder host, DistributedApplicationBuilder builder)
    {
        var services = host.Services;
        services.AddSingleton(builder.Options);
        services.AddSingleton(builder.ExecutionContext);
        services.AddSingleton(new DistributedApplicationModel(builder.Resources));
        if (builder.ExecutionContext.IsPublishMode)
        {
            services.AddHostedService<Aspire.Hosting.Publishing.PublishingService>();
            return;
        }
        services.AddSingleton<ResourceLoggerService>();
        services.AddSingleton<ResourceNotificationService>();
        services.AddSingleton<ReadyAnnouncement>();
        services.AddSingleton<DashboardOtlp>();
        services.AddSingleton<ProcessSpecFactory>();
        services.AddSingleton<HealthProbe>();
        services.AddHealthChecks();
        services.AddHttpClient();
        services.AddSingleton<Orchestrator>();
        services.AddSingleton(s => new ResourceCommandService(s.GetRequiredService<Orchestrator>()));
        // The dashboard starts first: a port it cannot have stops the AppHost before any resource has started.
        if (!builder.Options.DisableDashboard && builder.Run.DashboardType is { } dashboardType)
        {
            var type = Type.GetType(dashboardType, throwOnError: true)!;
            ((IDashboardRegistration)Activator.CreateInstance(type)!).Register(host);
        }
        services.AddHostedService(s => s.GetRequiredService<Orchestrator>());
    }
}

/// <summary>
/// How the dashboard project plugs itself in: the AppHost's build names its type (as Aspire's names the dashboard's
/// path), so the AppHost's Program.cs calls nothing that Aspire does not have.
/// </summary>
internal interface IDashboardRegistration
{
    void Register(HostApplicationBuilder host);
}
