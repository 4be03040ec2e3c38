using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;

namespace CowAspire.Dashboard;

/// <summary>One resource instance as the dashboard's page and API show it, made from Aspire's snapshot.</summary>
internal sealed record DashboardResource(
    string Name, string Resource, string Type, int Replica, string State, string Health, int? Pid, DateTime? StartedAt,
    int Restarts, int? ExitCode, IReadOnlyList<DashboardEndpoint> Endpoints, string? Message)
{
    public static DashboardResource From(ResourceEvent e)
    {
        var s = e.Snapshot;
        T? Property<T>(string name) => s.Properties.FirstOrDefault(p => p.Name == name)?.Value is T value ? value : default;
        var replicaUrls = s.Urls.Where(u => u.IsInternal).ToDictionary(u => u.Name ?? "", u => u.Url);
        return new DashboardResource(
            e.ResourceId, e.Resource.Name, s.ResourceType, Property<int>(SnapshotProperties.ReplicaIndex), s.State?.Text ?? KnownResourceStates.NotStarted,
            s.HealthStatus?.ToString() ?? "Unknown", Property<int?>(SnapshotProperties.Pid), s.StartTimeStamp, Property<int>(SnapshotProperties.Restarts),
            s.ExitCode,
            [.. s.Urls.Where(u => !u.IsInternal).Select(u => new DashboardEndpoint(u.Name ?? "", u.Url, replicaUrls.GetValueOrDefault(u.Name ?? "", u.Url)))],
            Property<string>(SnapshotProperties.Message));
    }
}

/// <param name="Url">What clients use (the front door when proxied).</param>
/// <param name="ReplicaUrl">Where this replica itself listens.</param>
internal sealed record DashboardEndpoint(string Name, string Url, string ReplicaUrl);

/// <summary>One line of a resource's console output, as the page shows it.</summary>
internal sealed record DashboardLogLine(long Sequence, DateTimeOffset Timestamp, string Source, bool IsError, string Text)
{
    public static DashboardLogLine From(ResourceLogEntry entry) => new(entry.Sequence, entry.Timestamp, entry.ResourceId, entry.IsError, entry.Text);
}
