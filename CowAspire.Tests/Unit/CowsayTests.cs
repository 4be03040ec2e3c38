using CowAspire.Web.Rendering;

namespace CowAspire.Tests.Unit;

public class CowsayTests
{
    [Fact]
    public void ShortTextGetsAOneLineBubbleAndTheCow()
    {
        var expected = """
             _____
            < Moo >
             -----
                    \   ^__^
                     \  (oo)\_______
                        (__)\       )\/\
                            ||----w |
                            ||     ||
            """;

        Assert.Equal(expected.Replace("\r\n", "\n"), Cowsay.Render("Moo"));
    }

    [Fact]
    public void LongTextWrapsAtTheWidthWithSlashedCorners()
    {
        var lines = Cowsay.Render("aaa bbb ccc ddd", width: 7).Split('\n');

        Assert.Equal(" _________", lines[0]);
        Assert.Equal("/ aaa bbb \\", lines[1]);
        Assert.Equal("\\ ccc ddd /", lines[2]);
        Assert.Equal(" ---------", lines[3]);
    }

    [Fact]
    public void MiddleLinesUseBars()
    {
        var lines = Cowsay.Render("one two three", width: 5).Split('\n');

        Assert.Equal("/ one   \\", lines[1]);
        Assert.Equal("| two   |", lines[2]);
        Assert.Equal("\\ three /", lines[3]);
    }

    [Fact]
    public void AWordLongerThanTheWidthIsCut()
    {
        Assert.Equal(["abcd", "efgh", "ij"], Cowsay.Wrap("abcdefghij", 4));
    }

    [Fact]
    public void WidthCountsCharactersNotUtf16Units()
    {
        Assert.Equal(["🐄🐄 🐄🐄"], Cowsay.Wrap("🐄🐄 🐄🐄", 5));
    }
}
