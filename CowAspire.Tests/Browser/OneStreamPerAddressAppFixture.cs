using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Browser;

/// <summary>An app that admits one stream per client address, so a second EventSource is refused.</summary>
public sealed class OneStreamPerAddressAppFixture : AppFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("web").WithEnvironment("WebLimits__MaxStreamsPerAddress", "1");
}
