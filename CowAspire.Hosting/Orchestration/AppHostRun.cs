using System.Reflection;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// This run of the AppHost: a directory outside the repository for resources' data (removed when the app is
/// disposed), and the build the services are run from (the same configuration and framework as the AppHost's).
/// </summary>
internal sealed class AppHostRun(Assembly? appHostAssembly)
{
    public string Directory { get; } =
        Path.Combine(Path.GetTempPath(), $"cowaspire-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);

    public string BuildConfiguration { get; } = Metadata(appHostAssembly, "cowaspire.configuration") ?? "Debug";

    public string TargetFramework { get; } = Metadata(appHostAssembly, "cowaspire.targetframework") ?? "net10.0";

    /// <summary>The dashboard's type, when the AppHost references the dashboard project.</summary>
    public string? DashboardType { get; } = Metadata(appHostAssembly, "cowaspire.dashboard");

    public void DeleteDirectory()
    {
        try
        {
            System.IO.Directory.Delete(Directory, recursive: true);
        }
        catch (DirectoryNotFoundException)
        {
        }
    }

    private static string? Metadata(Assembly? assembly, string key) =>
        assembly?.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
