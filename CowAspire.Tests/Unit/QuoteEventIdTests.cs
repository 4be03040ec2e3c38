using CowAspire.Contracts;

namespace CowAspire.Tests.Unit;

public class QuoteEventIdTests
{
    [Theory]
    [InlineData("12-ab12cd34", 12, "ab12cd34")]
    [InlineData("0-z", 0, "z")]
    [InlineData("7", 7, null)]
    public void ParsesIdAndEpoch(string value, long id, string? epoch)
    {
        Assert.True(QuoteEventId.TryParse(value, out var parsed));
        Assert.Equal(new QuoteEventId(id, epoch), parsed);
    }

    [Theory]
    [InlineData("")]
    [InlineData("-1")]
    [InlineData("1-")]
    [InlineData("1-AB")]
    [InlineData("1-a-b")]
    [InlineData("x-ab")]
    [InlineData("1.5")]
    public void RefusesWhatNoGatewaySent(string value) => Assert.False(QuoteEventId.TryParse(value, out _));

    [Fact]
    public void FormatsAsIdDashEpoch() => Assert.Equal("42-ab12", QuoteEventId.Format(42, "ab12"));
}
