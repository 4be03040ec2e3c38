using System.Reflection;
using CowAspire.AppHost.Hosting;

#pragma warning disable CA1050, IDE0130 // Aspire generates these handles in the global "Projects" namespace; so do we.
namespace Projects;

/// <summary>Typed handle to CowAspire.Api, as Aspire's generated <c>Projects.CowAspire_Api</c>.</summary>
public sealed class CowAspire_Api : IProjectMetadata
{
    public string ProjectPath => ProjectPaths.Of("CowAspire.Api");
}

/// <summary>Typed handle to CowAspire.Web, as Aspire's generated <c>Projects.CowAspire_Web</c>.</summary>
public sealed class CowAspire_Web : IProjectMetadata
{
    public string ProjectPath => ProjectPaths.Of("CowAspire.Web");
}

/// <summary>The AppHost itself, for <c>DistributedApplicationTestingBuilder.CreateAsync&lt;Projects.CowAspire_AppHost&gt;()</c>.</summary>
public sealed class CowAspire_AppHost : IProjectMetadata
{
    public string ProjectPath => ProjectPaths.Of("CowAspire.AppHost");
}

internal static class ProjectPaths
{
    public static string Of(string projectName) =>
        Path.GetFullPath(typeof(ProjectPaths).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>()
            .SingleOrDefault(a => a.Key == $"CowAspire.Project:{projectName}")?.Value
            ?? throw new InvalidOperationException($"{projectName} is not referenced by the AppHost project."));
}
