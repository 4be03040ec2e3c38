namespace CowAspire.Tests.Infrastructure;

[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<FaultAppFixture>
{
    public const string Name = "Faults";
}
