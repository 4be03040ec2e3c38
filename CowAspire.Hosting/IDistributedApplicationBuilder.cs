using System.Reflection;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting;

/// <summary>Collects the app model: resources, configuration and services of the AppHost.</summary>
public interface IDistributedApplicationBuilder
{
    Assembly? AppHostAssembly { get; }

    string AppHostDirectory { get; }

    ConfigurationManager Configuration { get; }

    IHostEnvironment Environment { get; }

    DistributedApplicationExecutionContext ExecutionContext { get; }

    IResourceCollection Resources { get; }

    IServiceCollection Services { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    IResourceBuilder<T> CreateResourceBuilder<T>(T resource) where T : IResource;

    DistributedApplication Build();
}
