namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// An app for the delivery fault tests, which flush Redis, break its history and cut the gateways' subscriptions:
/// no scheduled quotes (the tests publish what they count), a catalog of one, replay in pages of seven.
/// </summary>
public sealed class DeliveryAppFixture : AppFixture
{
    public const int ReplayPageSize = 7;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.CreateResourceBuilder<ProjectResource>("api")
            .WithEnvironment("Quotes__PublishInterval", "01:00:00")
            .WithEnvironment("Quotes__MaxCatalogSize", "1");
        builder.CreateResourceBuilder<ProjectResource>("web")
            .WithEnvironment("Streaming__ReplayPageSize", ReplayPageSize.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }
}
