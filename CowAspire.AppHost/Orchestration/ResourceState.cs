namespace CowAspire.AppHost.Orchestration;

/// <summary>Lifecycle states, named as Aspire names them. Health is a separate field.</summary>
public enum ResourceState
{
    NotStarted,
    Waiting,
    Starting,
    Running,
    Stopping,
    /// <summary>The process ended without being asked to.</summary>
    Exited,
    /// <summary>The process ended because it was asked to stop.</summary>
    Finished,
    /// <summary>It could not be started, or kept crashing until the orchestrator gave up.</summary>
    FailedToStart,
}

public enum HealthStatus
{
    Unknown,
    Healthy,
    Unhealthy,
}

/// <summary>One replica's state at a moment, as the dashboard and tests see it.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Resource,
    string Type,
    int Replica,
    ResourceState State,
    HealthStatus Health,
    int? Pid,
    DateTimeOffset? StartedAt,
    int Restarts,
    int? ExitCode,
    IReadOnlyList<EndpointSnapshot> Endpoints,
    string? Message);

/// <param name="Url">What clients use (the front door when proxied).</param>
/// <param name="ReplicaUrl">Where this replica itself listens.</param>
public sealed record EndpointSnapshot(string Name, string Url, string ReplicaUrl);
