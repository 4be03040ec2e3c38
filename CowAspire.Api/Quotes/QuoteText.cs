using System.Text;
using CowAspire.Contracts;

namespace CowAspire.Api.Quotes;

/// <summary>The rules a quote's text must meet before it is published.</summary>
public static class QuoteText
{
    /// <summary>Checks <paramref name="raw"/>; on success <paramref name="text"/> is the trimmed text.</summary>
    /// <returns>null when valid, otherwise what is wrong, phrased for the client.</returns>
    public static string? Validate(string? raw, out string text)
    {
        text = raw?.Trim() ?? "";
        if (text.Length == 0)
        {
            return "text must not be empty or whitespace.";
        }

        var length = 0;
        var remaining = text.AsSpan();
        while (!remaining.IsEmpty)
        {
            if (Rune.DecodeFromUtf16(remaining, out var rune, out var consumed) != System.Buffers.OperationStatus.Done)
            {
                return "text is not valid Unicode (it holds an unpaired surrogate).";
            }
            if (Rune.IsControl(rune))
            {
                return $"text must not contain control characters (found U+{rune.Value:X4} at position {length}).";
            }
            length++;
            remaining = remaining[consumed..];
        }

        return length > QuoteLimits.MaxTextLength
            ? $"text must be at most {QuoteLimits.MaxTextLength} characters (it has {length})."
            : null;
    }
}
