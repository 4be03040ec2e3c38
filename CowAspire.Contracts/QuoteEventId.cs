using System.Globalization;

namespace CowAspire.Contracts;

/// <summary>
/// The SSE id of a quote, <c>{id}-{epoch}</c> (as Centrifugo pairs an offset with an epoch): the browser sends it
/// back as Last-Event-ID, so a gateway can tell an id of this epoch from one of data Redis has lost.
/// </summary>
public readonly record struct QuoteEventId(long Id, string? Epoch)
{
    public static string Format(long id, string epoch) => string.Create(CultureInfo.InvariantCulture, $"{id}-{epoch}");

    /// <summary>
    /// Parses <c>{id}-{epoch}</c>, or a bare <c>{id}</c> (no epoch: taken as the current one, for hand-written
    /// <c>?lastEventId=0</c>). Epochs are 1–32 lowercase letters and digits.
    /// </summary>
    public static bool TryParse(string? value, out QuoteEventId eventId)
    {
        eventId = default;
        if (string.IsNullOrEmpty(value))
        {
            return false;
        }
        var dash = value.IndexOf('-', StringComparison.Ordinal);
        var number = dash < 0 ? value : value[..dash];
        string? epoch = dash < 0 ? null : value[(dash + 1)..];
        if (!long.TryParse(number, NumberStyles.None, CultureInfo.InvariantCulture, out var id)
            || (epoch is not null && !IsEpoch(epoch)))
        {
            return false;
        }
        eventId = new QuoteEventId(id, epoch);
        return true;
    }

    private static bool IsEpoch(string epoch) =>
        epoch.Length is >= 1 and <= 32 && epoch.All(c => char.IsAsciiDigit(c) || char.IsAsciiLetterLower(c));
}
