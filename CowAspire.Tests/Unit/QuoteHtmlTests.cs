using CowAspire.Contracts;
using CowAspire.Web.Rendering;
using CowAspire.Web.Streaming;
using Microsoft.Extensions.Primitives;

namespace CowAspire.Tests.Unit;

public class QuoteHtmlTests
{
    [Fact]
    public void QuoteTextIsHtmlEncoded()
    {
        var html = QuoteHtml.Render(new QuoteEnvelope(1, 3, "<script>alert(1)</script>", DateTimeOffset.UnixEpoch, "e1"));

        Assert.DoesNotContain("<script>", html);
        Assert.Contains("&lt;script&gt;alert(1)&lt;/script&gt;", html);
    }

    [Fact]
    public void FragmentCarriesTheQuoteIdAndKeepsLineBreaks()
    {
        var html = QuoteHtml.Render(new QuoteEnvelope(1, 12, "Moo", DateTimeOffset.UnixEpoch, "e1"));

        Assert.Contains("data-quote-id=\"12\"", html);
        Assert.Contains("\n", html);
    }

    [Theory]
    [InlineData(null, 10)]
    [InlineData("1", 1)]
    [InlineData("100", 100)]
    public void ShowCountInRangeIsAccepted(string? value, int expected)
    {
        Assert.Equal(expected, ShowCount.Parse(value is null ? StringValues.Empty : new StringValues(value), 10));
    }

    [Theory]
    [InlineData("0")]
    [InlineData("-1")]
    [InlineData("101")]
    [InlineData("abc")]
    [InlineData("")]
    [InlineData(" 5")]
    [InlineData("1e2")]
    public void ShowCountOutOfRangeIsRefused(string value)
    {
        Assert.Null(ShowCount.Parse(new StringValues(value), 10));
    }
}
