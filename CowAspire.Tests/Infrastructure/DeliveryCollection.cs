namespace CowAspire.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class DeliveryCollection : ICollectionFixture<DeliveryAppFixture>
{
    public const string Name = "Delivery";
}
