using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;

namespace Aspire.Hosting;

/// <summary>Projects of the solution as resources, with their endpoints read from the project as Aspire reads them.</summary>
public static class ProjectResourceBuilderExtensions
{
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject(name, new TProject(), new ProjectResourceOptions());

    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name, string? launchProfileName)
        where TProject : IProjectMetadata, new() =>
        builder.AddProject(name, new TProject(), new ProjectResourceOptions { LaunchProfileName = launchProfileName, ExcludeLaunchProfile = launchProfileName is null });

    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this IDistributedApplicationBuilder builder, string name, Action<ProjectResourceOptions> configure)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(configure);
        var options = new ProjectResourceOptions();
        configure(options);
        return builder.AddProject(name, new TProject(), options);
    }

    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var path = Path.GetFullPath(projectPath, builder.AppHostDirectory);
        return builder.AddProject(name, new ProjectPathMetadata(path), new ProjectResourceOptions());
    }

    /// <summary>Runs the project as <paramref name="replicas"/> processes behind each of its endpoints' front door.</summary>
    public static IResourceBuilder<ProjectResource> WithReplicas(this IResourceBuilder<ProjectResource> builder, int replicas)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentOutOfRangeException.ThrowIfLessThan(replicas, 1);
        return builder.WithAnnotation(new ReplicaAnnotation(replicas), ResourceAnnotationMutationBehavior.Replace);
    }

    private static IResourceBuilder<ProjectResource> AddProject(
        this IDistributedApplicationBuilder builder, string name, IProjectMetadata project, ProjectResourceOptions options)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = builder.AddResource(new ProjectResource(name)).WithAnnotation(project);
        var publish = builder.ExecutionContext.IsPublishMode;
        // Kestrel endpoints in the project's configuration win over the launch profile, as they do when Kestrel runs.
        var kestrel = options.ExcludeKestrelEndpoints ? [] : KestrelEndpoints(project.ProjectPath, builder.Environment.EnvironmentName);
        foreach (var group in kestrel.GroupBy(e => e.Url.Scheme))
        {
            foreach (var (endpointName, url, protocols) in group)
            {
                resource.WithEndpoint(group.Count() == 1 ? group.Key : endpointName, e =>
                {
                    e.UriScheme = url.Scheme;
                    // Published, the configured port is where the container listens; run here, where clients connect.
                    if (publish)
                    {
                        e.TargetPort = url.Port;
                    }
                    else
                    {
                        e.Port = url.Port;
                    }
                    e.Transport = protocols == "Http2" ? "http2" : "http";
                });
            }
        }
        var profile = options.ExcludeLaunchProfile ? null : LaunchProfile(project, options.LaunchProfileName);
        if (profile is null)
        {
            return resource;
        }
        if (kestrel.Count == 0)
        {
            var countByScheme = new Dictionary<string, int>();
            foreach (var url in (profile.Value.Profile.ApplicationUrl ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
            {
                var uri = new Uri(url.Replace("*", "localhost", StringComparison.Ordinal).Replace("+", "localhost", StringComparison.Ordinal));
                var count = countByScheme[uri.Scheme] = countByScheme.GetValueOrDefault(uri.Scheme) + 1;
                resource.WithEndpoint(count == 1 ? uri.Scheme : $"{uri.Scheme}{count}", e =>
                {
                    e.UriScheme = uri.Scheme;
                    // A launch profile is for running here; published, where it listens is the deployment's choice.
                    e.Port = publish ? null : uri.Port;
                    e.FromLaunchProfile = true;
                });
            }
        }
        if (publish)
        {
            return resource;
        }
        return resource.WithEnvironment(context =>
        {
            context.EnvironmentVariables.TryAdd("DOTNET_LAUNCH_PROFILE", profile.Value.Name);
            foreach (var (variable, value) in profile.Value.Profile.EnvironmentVariables)
            {
                context.EnvironmentVariables.TryAdd(variable, Environment.ExpandEnvironmentVariables(value));
            }
        });
    }

    private static (string Name, LaunchProfile Profile)? LaunchProfile(IProjectMetadata project, string? name)
    {
        var profiles = project.LaunchSettings?.Profiles ?? [];
        if (name is not null)
        {
            return profiles.TryGetValue(name, out var named)
                ? (name, named)
                : throw new DistributedApplicationException($"Launch settings file does not contain '{name}' profile.");
        }
        return profiles.FirstOrDefault(p => p.Value.CommandName == "Project") is { Key: not null } first ? (first.Key, first.Value) : null;
    }

    private static List<(string Name, Uri Url, string? Protocols)> KestrelEndpoints(string projectPath, string environmentName)
    {
        var directory = Path.GetDirectoryName(projectPath)!;
        var configuration = new ConfigurationBuilder()
            .SetBasePath(directory)
            .AddJsonFile("appsettings.json", optional: true)
            .AddJsonFile($"appsettings.{environmentName}.json", optional: true)
            .Build();
        return [.. configuration.GetSection("Kestrel:Endpoints").GetChildren()
            .Where(e => e["Url"] is not null)
            .Select(e => (e.Key, new Uri(e["Url"]!.Replace("*", "localhost", StringComparison.Ordinal)), e["Protocols"]))];
    }

    private sealed class ProjectPathMetadata(string projectPath) : IProjectMetadata
    {
        public string ProjectPath { get; } = projectPath;
    }
}

public class ProjectResourceOptions
{
    public string? LaunchProfileName { get; set; }

    public bool ExcludeLaunchProfile { get; set; }

    public bool ExcludeKestrelEndpoints { get; set; }
}
