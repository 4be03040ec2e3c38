using Microsoft.Extensions.Logging;

namespace CowAspire.AppHost.Orchestration;

internal static partial class OrchestrationLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Name}: {State}, {Health}")]
    public static partial void StateChanged(this ILogger logger, string name, ResourceState state, HealthStatus health);

    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} replicas are running and healthy")]
    public static partial void Ready(this ILogger logger, int count);
}
