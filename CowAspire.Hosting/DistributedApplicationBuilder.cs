using System.Reflection;
using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting;

/// <summary>Collects the app model and the AppHost's own host (configuration, logging, services).</summary>
public class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly HostApplicationBuilder _host;
    private readonly ResourceCollection _resources = [];

    public DistributedApplicationBuilder(string[] args) : this(new DistributedApplicationOptions { Args = args })
    {
    }

    public DistributedApplicationBuilder(DistributedApplicationOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        TestingHook.ConfigureOptions?.Invoke(options);
        Options = options;
        AppHostAssembly = options.AssemblyName is { } name ? Assembly.Load(name) : Assembly.GetEntryAssembly();
        AppHostDirectory = options.ProjectDirectory
            ?? AppHostMetadata(AppHostAssembly, "apphostprojectpath")
            ?? AppContext.BaseDirectory;
        _host = new HostApplicationBuilder(new HostApplicationBuilderSettings
        {
            Args = options.Args,
            ApplicationName = AppHostAssembly?.GetName().Name,
            ContentRootPath = AppHostDirectory,
        });
        // Aspire's command-line switches for publishing: --publisher manifest --output-path aspire-manifest.json.
        _host.Configuration.AddCommandLine(options.Args ?? [], new Dictionary<string, string>
        {
            ["--publisher"] = "Publishing:Publisher",
            ["--output-path"] = "Pipeline:OutputPath",
        });
        ExecutionContext = _host.Configuration["Publishing:Publisher"] is { Length: > 0 } publisher
            ? new DistributedApplicationExecutionContext(DistributedApplicationOperation.Publish, publisher)
            : new DistributedApplicationExecutionContext(DistributedApplicationOperation.Run);
        // A failure to start is told in one line by Run(); the host's own report of it is a stack trace.
        _host.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        // Resources' health is probed several times a second and shown as their state; a log line per probe is noise.
        _host.Logging.AddFilter("Microsoft.Extensions.Diagnostics.HealthChecks", LogLevel.None);
        Run = new AppHostRun(AppHostAssembly);
        _host.Services.AddSingleton(Run);
    }

    public Assembly? AppHostAssembly { get; }

    public string AppHostDirectory { get; }

    public ConfigurationManager Configuration => _host.Configuration;

    public IHostEnvironment Environment => _host.Environment;

    public DistributedApplicationExecutionContext ExecutionContext { get; }

    public IResourceCollection Resources => _resources;

    public IServiceCollection Services => _host.Services;

    internal DistributedApplicationOptions Options { get; }

    internal AppHostRun Run { get; }

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        ArgumentNullException.ThrowIfNull(resource);
        if (_resources.Any(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new DistributedApplicationException($"Cannot add resource of type '{resource.GetType()}' with name '{resource.Name}' because resource of type '{_resources.First(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)).GetType()}' with that name already exists.");
        }
        _resources.Add(resource);
        return CreateResourceBuilder(resource);
    }

    public IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource => new ResourceBuilder<T>(resource, this);

    public DistributedApplication Build()
    {
        // Under DistributedApplicationTestingBuilder, the AppHost's Program.cs only declares the model:
        // the test takes the builder here and builds and runs it itself.
        TestingHook.CaptureOrContinue(this);
        PortOverrides.Apply(_resources, Configuration);
        _host.AddOrchestration(this);
        var host = _host.Build();
        ExecutionContext.ServiceProvider = host.Services;
        return new DistributedApplication(host);
    }

    private static string? AppHostMetadata(Assembly? assembly, string key) =>
        assembly?.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
