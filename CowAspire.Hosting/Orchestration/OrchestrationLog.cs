using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Logging;

namespace CowAspire.Hosting.Orchestration;

internal static partial class OrchestrationLog
{
    [LoggerMessage(Level = LogLevel.Information, Message = "All {Count} replicas are running and healthy")]
    public static partial void Ready(this ILogger logger, int count);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Resource} cannot start: {Reason}")]
    public static partial void CannotStart(this ILogger logger, string resource, string reason);
}

internal static partial class ResourceLog
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "{Name}: {State}, {Health}")]
    public static partial void StateChanged(ILogger logger, string name, string? state, HealthStatus? health);

    [LoggerMessage(Level = LogLevel.Information, Message = "{Line}")]
    public static partial void Output(ILogger logger, string line);

    [LoggerMessage(Level = LogLevel.Error, Message = "{Line}")]
    public static partial void ErrorOutput(ILogger logger, string line);
}
