using System.Collections.Immutable;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>What a resource (one replica of it) looks like at a moment: state, health, endpoints, properties.</summary>
public sealed record CustomResourceSnapshot
{
    public required string ResourceType { get; init; }

    public required ImmutableArray<ResourcePropertySnapshot> Properties { get; init; }

    public ResourceStateSnapshot? State { get; init; }

    public int? ExitCode { get; init; }

    public DateTime? CreationTimeStamp { get; init; }

    public DateTime? StartTimeStamp { get; init; }

    public DateTime? StopTimeStamp { get; init; }

    public ImmutableArray<UrlSnapshot> Urls { get; init; } = [];

    public ImmutableArray<EnvironmentVariableSnapshot> EnvironmentVariables { get; init; } = [];

    public ImmutableArray<RelationshipSnapshot> Relationships { get; init; } = [];

    public ImmutableArray<ResourceCommandSnapshot> Commands { get; init; } = [];

    public bool IsHidden { get; init; }

    public ImmutableArray<HealthReportSnapshot> HealthReports { get; internal init; } = [];

    /// <summary>
    /// Healthy when every health report is; null while the resource has no reports yet or is not running.
    /// </summary>
    public HealthStatus? HealthStatus { get; internal init; }
}

public sealed record ResourceStateSnapshot(string Text, string? Style)
{
    public static implicit operator ResourceStateSnapshot?(string? s) => s is null ? null : new(s, null);
}

public sealed record ResourcePropertySnapshot(string Name, object? Value)
{
    public bool IsSensitive { get; init; }
}

/// <param name="IsInternal">An address for the orchestrator and tests (a replica's own port), not for people.</param>
public sealed record UrlSnapshot(string? Name, string Url, bool IsInternal)
{
    public bool IsInactive { get; init; }
}

public sealed record EnvironmentVariableSnapshot(string Name, string? Value, bool IsFromSpec);

public sealed record RelationshipSnapshot(string ResourceName, string Type);

public sealed record HealthReportSnapshot(string Name, HealthStatus? Status, string? Description, string? ExceptionText);

public sealed record ResourceCommandSnapshot(string Name, ResourceCommandState State, string DisplayName, string? DisplayDescription,
    object? Parameter, string? ConfirmationMessage, string? IconName, IconVariant? IconVariant, bool IsHighlighted);

public enum ResourceCommandState
{
    Enabled,
    Disabled,
    Hidden,
}

public enum IconVariant
{
    Regular,
    Filled,
}

/// <summary>A change of one resource instance (a replica), as <see cref="ResourceNotificationService.WatchAsync"/> yields it.</summary>
/// <param name="ResourceId">The instance: the resource's name, or <c>{name}-{n}</c> for each replica.</param>
public class ResourceEvent(IResource resource, string resourceId, CustomResourceSnapshot snapshot)
{
    public IResource Resource { get; } = resource;

    public string ResourceId { get; } = resourceId;

    public CustomResourceSnapshot Snapshot { get; } = snapshot;
}
