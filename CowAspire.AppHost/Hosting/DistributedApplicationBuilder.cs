using CowAspire.AppHost.Testing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;

namespace CowAspire.AppHost.Hosting;

/// <summary>Collects the app model, as Aspire's <c>IDistributedApplicationBuilder</c>.</summary>
public sealed class DistributedApplicationBuilder
{
    private readonly List<Resource> _resources = [];

    internal DistributedApplicationBuilder(string[] args, DistributedApplicationOptions options)
    {
        Options = options;
        Host = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = args,
            ApplicationName = typeof(DistributedApplicationBuilder).Assembly.GetName().Name,
            ContentRootPath = AppContext.BaseDirectory,
        });
        options.ConfigureHost?.Invoke(Host);
        RunDirectory = Path.Combine(Path.GetTempPath(), $"cowaspire-{Environment.ProcessId}-{Guid.NewGuid():N}"[..40]);
    }

    public IConfigurationManager Configuration => Host.Configuration;

    public IReadOnlyList<Resource> Resources => _resources;

    /// <summary>A directory of this run, outside the repository, for resources' data; removed when the app is disposed.</summary>
    public string RunDirectory { get; }

    internal DistributedApplicationOptions Options { get; }

    internal WebApplicationBuilder Host { get; }

    public IResourceBuilder<T> AddResource<T>(T resource) where T : Resource
    {
        ArgumentNullException.ThrowIfNull(resource);
        ResourceNames.Validate(resource.Name);
        if (_resources.Exists(r => string.Equals(r.Name, resource.Name, StringComparison.OrdinalIgnoreCase)))
        {
            throw new InvalidOperationException($"The app model already has a resource named '{resource.Name}'.");
        }
        _resources.Add(resource);
        return new ResourceBuilder<T>(resource, this);
    }

    /// <summary>A builder for a resource already in the model, for a test that adjusts the AppHost's own model.</summary>
    public IResourceBuilder<T> CreateResourceBuilder<T>(string name) where T : Resource =>
        new ResourceBuilder<T>(
            _resources.OfType<T>().SingleOrDefault(r => r.Name == name)
                ?? throw new InvalidOperationException($"The app model has no {typeof(T).Name} named '{name}'."),
            this);

    /// <summary><c>Ports:{resource}:{endpoint}=N</c> moves an endpoint to port N (0: any free port).</summary>
    private void ApplyPortOverrides()
    {
        foreach (var resource in _resources)
        {
            foreach (var endpoint in resource.Endpoints)
            {
                var key = $"Ports:{resource.Name}:{endpoint.Name}";
                if (Configuration[key] is { } value)
                {
                    endpoint.Port = int.TryParse(value, out var port) && port is >= 0 and <= 65535
                        ? (port == 0 ? null : port)
                        : throw new InvalidOperationException($"{key} must be a port number from 0 to 65535, not '{value}'.");
                }
            }
        }
    }

    public DistributedApplication Build()
    {
        // Under DistributedApplicationTestingBuilder, the AppHost's Program.cs only declares the model:
        // the test takes the builder here and builds and runs it itself.
        TestingHook.CaptureOrContinue(this);
        ApplyPortOverrides();
        return new DistributedApplication(this);
    }
}

/// <summary>Switches between a developer's run and a test's.</summary>
public sealed class DistributedApplicationOptions
{
    /// <summary>Every port is a free one (fixed ports in the model are ignored), so runs do not collide.</summary>
    public bool RandomizePorts { get; set; }

    /// <summary>Whether children's output is also written to the console, prefixed by resource name.</summary>
    public bool WriteResourceLogsToConsole { get; set; } = true;

    public Action<WebApplicationBuilder>? ConfigureHost { get; set; }
}
