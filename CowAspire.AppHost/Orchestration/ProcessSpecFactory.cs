using System.Reflection;
using CowAspire.AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CowAspire.AppHost.Orchestration;

internal sealed record ProcessSpec(
    string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment,
    string? StandardInput = null);

/// <summary>
/// Turns a replica into a command line and environment, with Aspire's conventions: Kestrel endpoints from the
/// allocated ports, <c>OTEL_*</c> variables, and whatever the model's <c>WithReference</c>/<c>WithEnvironment</c> add.
/// </summary>
internal sealed class ProcessSpecFactory(IConfiguration configuration, IHostEnvironment environment)
{
    // Services are run from the output of the same build as the AppHost (Debug or Release, same framework).
    private static readonly string BuildConfiguration = BuildMetadata("CowAspire.Configuration");
    private static readonly string TargetFramework = BuildMetadata("CowAspire.TargetFramework");

    public ProcessSpec Create(ResourceInstance instance)
    {
        var resource = instance.Resource;
        var context = new EnvironmentContext(resource, instance.Replica, instance.Ports);
        var variables = context.Variables;
        variables["OTEL_SERVICE_NAME"] = resource.Name;
        variables["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instance.Name}";
        if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } otlp)
        {
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }

        switch (resource)
        {
            case ProjectResource project:
                variables["DOTNET_ENVIRONMENT"] = environment.EnvironmentName;
                variables["ASPNETCORE_ENVIRONMENT"] = environment.EnvironmentName;
                // One line per log entry, so the console prefix and the dashboard show whole entries.
                variables["Logging__Console__FormatterName"] = "simple";
                variables["Logging__Console__FormatterOptions__SingleLine"] = "true";
                foreach (var endpoint in resource.Endpoints)
                {
                    var prefix = $"Kestrel__Endpoints__{endpoint.Name}__";
                    variables[prefix + "Url"] = instance.ReplicaUrl(endpoint);
                    if (endpoint.Protocols is { } protocols)
                    {
                        variables[prefix + "Protocols"] = protocols;
                    }
                }
                Apply(resource, context);
                var (directory, assembly) = BuildOutput(project.Project.ProjectPath);
                return new ProcessSpec("dotnet", [assembly], directory, variables);

            case ExecutableResource executable:
                Apply(resource, context);
                Directory.CreateDirectory(executable.WorkingDirectory);
                return new ProcessSpec(executable.Command, [.. executable.Args.SelectMany(args => args())], executable.WorkingDirectory, variables,
                    executable.StandardInput?.Invoke());

            default:
                throw new NotSupportedException($"Resource '{resource.Name}' of type {resource.Type} cannot be run as a process.");
        }
    }

    private static void Apply(Resource resource, EnvironmentContext context)
    {
        foreach (var callback in resource.Environment)
        {
            callback(context);
        }
    }

    /// <summary>The project's directory (its content root, where wwwroot is) and the assembly the AppHost's build built.</summary>
    private static (string Directory, string Assembly) BuildOutput(string projectPath)
    {
        var directory = Path.GetDirectoryName(projectPath)!;
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var assembly = Path.Combine(directory, "bin", BuildConfiguration, TargetFramework, name + ".dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is missing: build the solution first (dotnet build).", assembly);
        }
        return (directory, assembly);
    }

    private static string BuildMetadata(string key) =>
        typeof(ProcessSpecFactory).Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().Single(a => a.Key == key).Value!;
}
