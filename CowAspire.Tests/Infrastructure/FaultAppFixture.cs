namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// An app of its own for tests that kill, stop and restart resources, so other tests never see it; its history holds
/// every quote of the run, so deliveries can be checked by content.
/// </summary>
public sealed class FaultAppFixture : AppFixture
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("api").WithEnvironment("Quotes__HistoryLength", "100000");
}
