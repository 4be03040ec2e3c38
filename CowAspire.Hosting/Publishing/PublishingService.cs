using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace Aspire.Hosting.Publishing;

/// <summary>
/// Publish mode (<c>--publisher NAME --output-path PATH</c>): writes the model for deployment instead of running it,
/// then ends the AppHost. <c>manifest</c> is built in; other publishers come from integrations (Kubernetes).
/// </summary>
internal sealed class PublishingService(
    IServiceProvider services, IConfiguration configuration, DistributedApplicationModel model,
    DistributedApplicationExecutionContext executionContext, IHostApplicationLifetime lifetime) : IHostedService
{
    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var publisher = executionContext.PublisherName;
        var outputPath = configuration["Pipeline:OutputPath"] ?? configuration["Publishing:OutputPath"]
            ?? throw new DistributedApplicationException("Publishing needs --output-path PATH.");
        string written;
        if (string.Equals(publisher, "manifest", StringComparison.OrdinalIgnoreCase))
        {
            written = await ManifestPublisher.WriteAsync(model, executionContext, outputPath, cancellationToken);
        }
        else if (services.GetKeyedService<IDistributedApplicationPublisher>(publisher) is { } integration)
        {
            written = await integration.PublishAsync(model, outputPath, cancellationToken);
        }
        else
        {
            throw new DistributedApplicationException(
                $"There is no publisher named '{publisher}': use 'manifest', or add the integration that provides it (AddKubernetesEnvironment for 'kubernetes').");
        }
        await Console.Out.WriteLineAsync($"Published the app model ({publisher}) to {written}");
        lifetime.StopApplication();
    }

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}

/// <summary>A publisher an integration adds, registered as a keyed service under its <c>--publisher</c> name.</summary>
internal interface IDistributedApplicationPublisher
{
    /// <returns>Where it wrote.</returns>
    Task<string> PublishAsync(DistributedApplicationModel model, string outputPath, CancellationToken cancellationToken);
}
