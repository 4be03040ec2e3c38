using System.Text;

namespace CowAspire.Web.Rendering;

/// <summary>Draws text in a cowsay speech bubble (plain text; encode it before it goes into HTML).</summary>
public static class Cowsay
{
    public const int DefaultWidth = 40;

    private const string Cow = """
                \   ^__^
                 \  (oo)\_______
                    (__)\       )\/\
                        ||----w |
                        ||     ||
        """;

    public static string Render(string text, int width = DefaultWidth)
    {
        ArgumentNullException.ThrowIfNull(text);
        ArgumentOutOfRangeException.ThrowIfLessThan(width, 1);

        var lines = Wrap(text, width);
        var inner = lines.Max(RuneLength);
        var bubble = new StringBuilder();
        bubble.Append(' ').Append('_', inner + 2).Append('\n');
        for (var i = 0; i < lines.Count; i++)
        {
            var (open, close) = (lines.Count, i) switch
            {
                (1, _) => ('<', '>'),
                (_, 0) => ('/', '\\'),
                var (count, index) when index == count - 1 => ('\\', '/'),
                _ => ('|', '|'),
            };
            bubble.Append(open).Append(' ').Append(lines[i]).Append(' ', inner - RuneLength(lines[i])).Append(' ').Append(close).Append('\n');
        }
        bubble.Append(' ').Append('-', inner + 2).Append('\n');
        return bubble.Append(Cow).ToString();
    }

    /// <summary>Greedy word wrap; a word longer than the width is cut, as cowsay does.</summary>
    public static IReadOnlyList<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        var lineLength = 0;
        foreach (var word in text.Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries))
        {
            var rest = word;
            while (RuneLength(rest) > 0)
            {
                var room = lineLength == 0 ? width : width - lineLength - 1;
                var wordLength = RuneLength(rest);
                if (wordLength <= room)
                {
                    if (lineLength > 0)
                    {
                        line.Append(' ');
                        lineLength++;
                    }
                    line.Append(rest);
                    lineLength += wordLength;
                    break;
                }
                if (lineLength > 0)
                {
                    lines.Add(line.ToString());
                    line.Clear();
                    lineLength = 0;
                    continue;
                }
                var cut = PrefixOfRunes(rest, width);
                lines.Add(cut);
                rest = rest[cut.Length..];
            }
        }
        if (lineLength > 0 || lines.Count == 0)
        {
            lines.Add(line.ToString());
        }
        return lines;
    }

    private static int RuneLength(string s)
    {
        var count = 0;
        foreach (var _ in s.EnumerateRunes())
        {
            count++;
        }
        return count;
    }

    private static string PrefixOfRunes(string s, int runes)
    {
        var length = 0;
        foreach (var rune in s.EnumerateRunes())
        {
            if (runes-- == 0)
            {
                break;
            }
            length += rune.Utf16SequenceLength;
        }
        return s[..length];
    }
}
