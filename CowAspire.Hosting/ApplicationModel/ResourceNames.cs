using System.Text.RegularExpressions;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Aspire's rule: names become DNS labels and environment variable parts, so they are kept to that shape.</summary>
internal static partial class ResourceNames
{
    public const int MaxLength = 64;

    public static void Validate(string name)
    {
        ArgumentNullException.ThrowIfNull(name);
        if (name.Length is 0 or > MaxLength || !Shape().IsMatch(name) || name.Contains("--", StringComparison.Ordinal))
        {
            throw new ArgumentException(
                $"Resource name '{name}' is invalid: use 1 to {MaxLength} ASCII letters, digits and single hyphens, " +
                "starting with a letter and not ending with a hyphen.", nameof(name));
        }
    }

    [GeneratedRegex("^[a-zA-Z](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?$")]
    private static partial Regex Shape();
}
