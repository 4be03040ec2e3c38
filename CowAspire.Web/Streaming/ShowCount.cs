using System.Globalization;
using Microsoft.Extensions.Primitives;

namespace CowAspire.Web.Streaming;

/// <summary>The <c>count</c> of a show: how many quotes before <c>closeStream</c>.</summary>
public static class ShowCount
{
    public const int Max = 100;

    /// <summary>The count, the default when absent, or null when it is not a whole number from 1 to <see cref="Max"/>.</summary>
    public static int? Parse(StringValues values, int defaultCount)
    {
        if (values.Count == 0)
        {
            return defaultCount;
        }
        return values.Count == 1
            && int.TryParse(values[0], NumberStyles.None, CultureInfo.InvariantCulture, out var count)
            && count is >= 1 and <= Max
            ? count
            : null;
    }
}
