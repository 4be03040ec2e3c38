using CowAspire.Api.Quotes;

namespace CowAspire.Tests.Unit;

public class QuoteCatalogTests
{
    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    [InlineData(20)]
    public void ACatalogNoLargerThanTheSeedKeepsTheSeedAndTheNewestSubmittedQuote(int maxSize)
    {
        var catalog = new QuoteCatalog(["a", "b", "c"], maxSize);

        catalog.Add("first");
        catalog.Add("second");

        Assert.Equal(maxSize <= 4 ? ["a", "b", "c", "second"] : ["a", "b", "c", "first", "second"], catalog.Snapshot());
    }
}
