using CowAspire.Contracts;

namespace CowAspire.Tests.Unit;

public sealed class QuoteEnvelopeTests
{
    [Fact]
    public void ParseReadsWhatThePublishScriptWrites()
    {
        var quote = QuoteEnvelope.Parse("""{"v":2,"id":7,"text":"moo","publishedAt":"2026-12-05T10:00:00Z","epoch":"ab12","traceparent":"00-0af7651916cd43dd8448eb211c80319c-b7ad6b7169203331-01"}""");

        Assert.NotNull(quote);
        Assert.Equal((7, "moo", "ab12", "7-ab12"), (quote.Id, quote.Text, quote.Epoch, quote.EventId));
        Assert.Equal(new DateTimeOffset(2026, 12, 5, 10, 0, 0, TimeSpan.Zero), quote.PublishedAt);
    }

    [Theory]
    [InlineData(null)]
    [InlineData("")]
    [InlineData("not json")]
    [InlineData("""{"v":1,"id":7,"text":"moo","publishedAt":"2026-12-05T10:00:00Z","epoch":"ab12"}""")]
    [InlineData("""{"v":3,"id":7,"text":"moo","publishedAt":"2026-12-05T10:00:00Z","epoch":"ab12"}""")]
    [InlineData("""{"v":2,"id":0,"text":"moo","publishedAt":"2026-12-05T10:00:00Z","epoch":"ab12"}""")]
    [InlineData("""{"v":2,"id":7,"publishedAt":"2026-12-05T10:00:00Z","epoch":"ab12"}""")]
    [InlineData("""{"v":2,"id":7,"text":"moo","publishedAt":"2026-12-05T10:00:00Z","epoch":""}""")]
    public void ParseTakesAnythingButACurrentEnvelopeAsAbsent(string? json) => Assert.Null(QuoteEnvelope.Parse(json));
}
