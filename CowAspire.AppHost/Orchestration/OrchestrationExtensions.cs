using Microsoft.Extensions.DependencyInjection;

namespace CowAspire.AppHost.Orchestration;

internal static class OrchestrationExtensions
{
    public static IServiceCollection AddOrchestration(this IServiceCollection services)
    {
        services.AddSingleton<ProcessSpecFactory>();
        services.AddSingleton(s => new Orchestrator(
            s.GetRequiredService<AppModel>(),
            s.GetRequiredService<ProcessSpecFactory>(),
            s.GetRequiredService<Dashboard.DashboardInfo>(),
            s.GetRequiredService<Microsoft.Extensions.Hosting.IHostApplicationLifetime>(),
            s.GetRequiredService<Microsoft.Extensions.Logging.ILogger<Orchestrator>>()));
        services.AddHostedService(s => s.GetRequiredService<Orchestrator>());
        return services;
    }
}
