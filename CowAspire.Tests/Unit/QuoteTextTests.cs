using CowAspire.Api.Quotes;

namespace CowAspire.Tests.Unit;

public class QuoteTextTests
{
    [Theory]
    [InlineData(null, "empty")]
    [InlineData("", "empty")]
    [InlineData("   \t ", "empty")]
    [InlineData("    ", "empty")]
    [InlineData("bell\u0007", "control characters")]
    [InlineData("new\nline", "control characters")]
    [InlineData("esc\u001b[31m", "control characters")]
    public void InvalidTextIsRefusedWithAReason(string? text, string reason)
    {
        var error = QuoteText.Validate(text, out _);

        Assert.NotNull(error);
        Assert.Contains(reason, error, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public void UnpairedSurrogateIsRefused()
    {
        // Built at run time: a lone surrogate in an attribute would not survive compilation.
        var text = "lone " + (char)0xD800 + " surrogate";

        Assert.Contains("unpaired surrogate", QuoteText.Validate(text, out _));
    }

    [Fact]
    public void TextOver280CharactersIsRefused()
    {
        Assert.Contains("at most 280", QuoteText.Validate(new string('m', 281), out _));
    }

    [Fact]
    public void TextOf280CharactersIsAccepted()
    {
        Assert.Null(QuoteText.Validate(new string('m', 280), out _));
    }

    [Fact]
    public void LengthCountsCharactersNotUtf16Units()
    {
        Assert.Null(QuoteText.Validate(string.Concat(Enumerable.Repeat("🐄", 280)), out _));
        Assert.NotNull(QuoteText.Validate(string.Concat(Enumerable.Repeat("🐄", 281)), out _));
    }

    [Fact]
    public void ValidTextIsTrimmed()
    {
        Assert.Null(QuoteText.Validate("  Holy cow!  ", out var text));
        Assert.Equal("Holy cow!", text);
    }

    [Fact]
    public void MarkupIsValidTextAndLeftAsIs()
    {
        Assert.Null(QuoteText.Validate("<script>alert(1)</script>", out var text));
        Assert.Equal("<script>alert(1)</script>", text);
    }
}
