using System.Reflection;
using System.Runtime.InteropServices;
using System.Runtime.Versioning;
using Aspire.Hosting.Eventing;
using Aspire.Hosting.Lifecycle;
using Microsoft.Extensions.Configuration;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// Starts each project as the executable its build made, not through <c>dotnet run --no-build</c>: dotnet run
/// evaluates the project with MSBuild at every start, CPU spent on each replica only to start that same executable
/// (docs/startup.md has the figures and their command). Aspire 13.6 has no switch for this, but
/// starts a project that carries an <see cref="ExecutableAnnotation"/> by that command, without dotnet run's arguments,
/// with the same environment and working directory (its ProjectExecutableLaunchRecipe). Not done under
/// an IDE or dotnet watch (they launch projects their own way), nor when the executable is not there (a project not
/// built for this configuration): then dotnet run as before.
/// </summary>
internal sealed class BuiltProjectLaunch(IConfiguration configuration) : IDistributedApplicationEventingSubscriber
{
    public Task SubscribeAsync(IDistributedApplicationEventing eventing, DistributedApplicationExecutionContext executionContext, CancellationToken cancellationToken)
    {
        var launchedByTool = !string.IsNullOrEmpty(configuration["DEBUG_SESSION_PORT"]) || configuration.GetValue<bool>("DOTNET_WATCH");
        if (executionContext.IsRunMode && !launchedByTool)
        {
            eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                foreach (var project in e.Model.Resources.OfType<ProjectResource>())
                {
                    Apply(project);
                }
                return Task.CompletedTask;
            });
        }
        return Task.CompletedTask;
    }

    private static void Apply(ProjectResource project)
    {
        if (project.Annotations.OfType<ExecutableAnnotation>().Any() || !project.TryGetLastAnnotation<IProjectMetadata>(out var metadata) || metadata.IsFileBasedApp)
        {
            return;
        }
        var directory = Path.GetDirectoryName(metadata.ProjectPath)!;
        var name = Path.GetFileNameWithoutExtension(metadata.ProjectPath);
        // Where `dotnet build` puts it for the AppHost's own configuration and framework, which the projects share.
        var appHost = typeof(BuiltProjectLaunch).Assembly;
        var output = Path.Combine(directory, "bin", appHost.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug", TargetFramework(appHost));
        var executable = Path.Combine(output, OperatingSystem.IsWindows() ? $"{name}.exe" : name);
        if (!File.Exists(executable) || !File.Exists(Path.Combine(output, $"{name}.dll")))
        {
            return;
        }
        project.Annotations.Add(new ExecutableAnnotation { Command = executable, WorkingDirectory = directory });
        // As dotnet run tells the executable where the runtime it runs on is.
        var runtimeRoot = Path.GetFullPath(Path.Combine(RuntimeEnvironment.GetRuntimeDirectory(), "..", "..", ".."));
        project.Annotations.Add(new EnvironmentCallbackAnnotation("DOTNET_ROOT", () => runtimeRoot));
    }

    /// <summary><c>net10.0</c> from <c>.NETCoreApp,Version=v10.0</c>.</summary>
    private static string TargetFramework(Assembly assembly) =>
        assembly.GetCustomAttribute<TargetFrameworkAttribute>()?.FrameworkName is { } framework && framework.StartsWith(".NETCoreApp,Version=v", StringComparison.Ordinal)
            ? $"net{framework[".NETCoreApp,Version=v".Length..]}"
            : "net10.0";
}
