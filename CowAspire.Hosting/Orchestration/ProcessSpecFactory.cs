using System.Globalization;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace CowAspire.Hosting.Orchestration;

internal sealed record ProcessSpec(
    string FileName, IReadOnlyList<string> Arguments, string WorkingDirectory, IReadOnlyDictionary<string, string> Environment,
    string? StandardInput = null);

/// <summary>
/// Turns a replica into a command line and environment, with Aspire's conventions: Kestrel endpoints on the replica's
/// own ports, <c>OTEL_*</c> variables, and whatever the model's <c>WithReference</c>/<c>WithEnvironment</c>/<c>WithArgs</c> add.
/// </summary>
internal sealed class ProcessSpecFactory(IConfiguration configuration, IHostEnvironment environment, AppHostRun run,
    DistributedApplicationExecutionContext executionContext, DashboardOtlp dashboardOtlp)
{
    public async Task<ProcessSpec> CreateAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        var resource = instance.Resource;
        var context = new EnvironmentCallbackContext(executionContext, resource, cancellationToken: cancellationToken);
        var variables = context.EnvironmentVariables;
        variables["OTEL_SERVICE_NAME"] = resource.Name;
        variables["OTEL_RESOURCE_ATTRIBUTES"] = $"service.instance.id={instance.Name}";
        if (resource is ProjectResource && dashboardOtlp.Endpoint is not null)
        {
            AddDashboardExport(variables);
        }
        else if (configuration["OTEL_EXPORTER_OTLP_ENDPOINT"] is { Length: > 0 } otlp)
        {
            variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = otlp;
        }
        foreach (var endpoint in resource.Annotations.OfType<EndpointEnvironmentAnnotation>())
        {
            variables[endpoint.Variable] = instance.Ports[endpoint.EndpointName].ToString(CultureInfo.InvariantCulture);
        }

        if (resource is ProjectResource)
        {
            variables["DOTNET_ENVIRONMENT"] = environment.EnvironmentName;
            variables["ASPNETCORE_ENVIRONMENT"] = environment.EnvironmentName;
            // One line per log entry, so the console prefix and the dashboard show whole entries.
            variables["Logging__Console__FormatterName"] = "simple";
            variables["Logging__Console__FormatterOptions__SingleLine"] = "true";
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme is "http" or "https"))
            {
                // Every HTTP endpoint as a Kestrel endpoint of its own, so one can be HTTP/2 only (h2c) beside the others.
                var prefix = $"Kestrel__Endpoints__{endpoint.Name}__";
                variables[prefix + "Url"] = instance.ReplicaUrl(endpoint);
                if (endpoint.Transport == "http2")
                {
                    variables[prefix + "Protocols"] = "Http2";
                }
            }
        }

        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        var environmentVariables = new Dictionary<string, string>();
        foreach (var (name, value) in variables)
        {
            environmentVariables[name] = await ResolveAsync(value, cancellationToken);
        }

        var argsContext = new CommandLineArgsCallbackContext(new List<object>(), cancellationToken) { ExecutionContext = executionContext, Resource = resource };
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
        {
            await callback.Callback(argsContext);
        }
        var args = new List<string>();
        foreach (var arg in argsContext.Args)
        {
            args.Add(await ResolveAsync(arg, cancellationToken));
        }
        var input = resource.TryGetLastAnnotation<StandardInputAnnotation>(out var stdin) ? stdin.Text() : null;

        switch (resource)
        {
            case ProjectResource:
                var project = resource.Annotations.OfType<IProjectMetadata>().Last();
                var (directory, assembly) = BuildOutput(project.ProjectPath);
                return new ProcessSpec("dotnet", [assembly, .. args], directory, environmentVariables, input);

            case ExecutableResource executable:
                Directory.CreateDirectory(executable.WorkingDirectory);
                var command = resource.TryGetLastAnnotation<ExecutableCommandAnnotation>(out var replaced) ? replaced.Command : executable.Command;
                return new ProcessSpec(command, args, executable.WorkingDirectory, environmentVariables, input);

            default:
                throw new NotSupportedException($"Resource '{resource.Name}' of type {resource.GetType().Name} cannot be run as a process.");
        }
    }

    /// <summary>
    /// As Aspire's <c>OtlpConfigurationExtensions</c>: export to the dashboard with its key, every trace, and batches
    /// sent each second instead of every 5 s (spans, logs) or 60 s (metrics), so the dashboard is live. Always, not
    /// only in Development as Aspire: this dashboard exists only in development.
    /// </summary>
    private void AddDashboardExport(Dictionary<string, object> variables)
    {
        variables["OTEL_EXPORTER_OTLP_ENDPOINT"] = dashboardOtlp.Endpoint!;
        variables["OTEL_EXPORTER_OTLP_PROTOCOL"] = dashboardOtlp.Protocol;
        variables["OTEL_EXPORTER_OTLP_HEADERS"] = $"x-otlp-api-key={dashboardOtlp.ApiKey}";
        variables["OTEL_BLRP_SCHEDULE_DELAY"] = "1000";
        variables["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        variables["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        variables["OTEL_TRACES_SAMPLER"] = "always_on";
        variables["OTEL_METRICS_EXEMPLAR_FILTER"] = "trace_based";
    }

    private static async Task<string> ResolveAsync(object value, CancellationToken cancellationToken) => value switch
    {
        string text => text,
        IValueProvider provider => await provider.GetValueAsync(cancellationToken) ?? "",
        IFormattable formattable => formattable.ToString(null, CultureInfo.InvariantCulture),
        _ => value.ToString() ?? "",
    };

    /// <summary>The project's directory (its content root, where wwwroot is) and the assembly the AppHost's build built.</summary>
    private (string Directory, string Assembly) BuildOutput(string projectPath)
    {
        var directory = Path.GetDirectoryName(projectPath)!;
        var name = Path.GetFileNameWithoutExtension(projectPath);
        var assembly = Path.Combine(directory, "bin", run.BuildConfiguration, run.TargetFramework, name + ".dll");
        if (!File.Exists(assembly))
        {
            throw new FileNotFoundException($"{assembly} is missing: build the solution first (dotnet build).", assembly);
        }
        return (directory, assembly);
    }
}
