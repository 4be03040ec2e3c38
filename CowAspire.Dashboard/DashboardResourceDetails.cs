using Aspire.Hosting.ApplicationModel;

namespace CowAspire.Dashboard;

/// <summary>
/// One resource instance in full, for its details panel: endpoints, the environment the AppHost gave it, health
/// reports, and what it references and waits for. Values are sent as they are, behind the dashboard's token; the page
/// masks them until asked, as Aspire's does.
/// </summary>
internal sealed record DashboardResourceDetails(
    DashboardResource Summary,
    IReadOnlyList<DashboardEnvironmentVariable> Environment,
    IReadOnlyList<DashboardHealthReport> HealthReports,
    IReadOnlyList<string> References,
    IReadOnlyList<string> WaitsFor)
{
    public static DashboardResourceDetails From(ResourceEvent e)
    {
        var s = e.Snapshot;
        IReadOnlyList<string> Related(string type) =>
            [.. s.Relationships.Where(r => r.Type == type).Select(r => r.ResourceName).Distinct().Order(StringComparer.Ordinal)];
        return new DashboardResourceDetails(
            DashboardResource.From(e),
            [.. s.EnvironmentVariables.Select(v => new DashboardEnvironmentVariable(v.Name, v.Value))],
            [.. s.HealthReports.Select(h => new DashboardHealthReport(h.Name, h.Status?.ToString() ?? "Unknown", h.Description))],
            Related("Reference"),
            Related("WaitFor"));
    }
}

internal sealed record DashboardEnvironmentVariable(string Name, string? Value);

internal sealed record DashboardHealthReport(string Name, string Status, string? Description);
