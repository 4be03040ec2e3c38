using System.Text.Json;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

/// <summary>A project of the solution, as the AppHost's build describes it (the generated <c>Projects.*</c> classes).</summary>
public interface IProjectMetadata : IResourceAnnotation
{
    string ProjectPath { get; }

    /// <summary>The project's <c>Properties/launchSettings.json</c>, read from its directory when not given.</summary>
    LaunchSettings? LaunchSettings => LaunchSettings.Read(ProjectPath);

    bool IsFileBasedApp => false;

    bool SuppressBuild => false;
}

/// <summary>A project's <c>Properties/launchSettings.json</c>.</summary>
public sealed class LaunchSettings
{
    private static readonly JsonSerializerOptions Json = new() { PropertyNameCaseInsensitive = true, ReadCommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true };

    public Dictionary<string, LaunchProfile> Profiles { get; set; } = [];

    internal static LaunchSettings? Read(string projectPath)
    {
        var directory = Directory.Exists(projectPath) ? projectPath : Path.GetDirectoryName(projectPath)!;
        var file = Path.Combine(directory, "Properties", "launchSettings.json");
        return File.Exists(file) ? JsonSerializer.Deserialize<LaunchSettings>(File.ReadAllText(file), Json) : null;
    }
}

public sealed class LaunchProfile
{
    public string? CommandName { get; set; }

    public string? CommandLineArgs { get; set; }

    public string? ApplicationUrl { get; set; }

    public string? LaunchUrl { get; set; }

    public bool? LaunchBrowser { get; set; }

    public Dictionary<string, string> EnvironmentVariables { get; set; } = [];
}
