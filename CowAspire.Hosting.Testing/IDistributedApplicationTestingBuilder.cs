namespace Aspire.Hosting.Testing;

/// <summary>An AppHost's builder, taken at its <c>Build()</c> call, for a test to change and then build itself.</summary>
public interface IDistributedApplicationTestingBuilder : IDistributedApplicationBuilder, IAsyncDisposable, IDisposable
{
    Task<DistributedApplication> BuildAsync(CancellationToken cancellationToken = default);
}
