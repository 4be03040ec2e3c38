using System.Globalization;
using System.Reflection;
using System.Text.RegularExpressions;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Unit;

/// <summary>
/// docs/configuration.md against the options classes it documents: every key of every section the services bind is
/// listed with its real default, and no key is listed that nothing binds. So the table cannot drift from the code.
/// </summary>
public sealed partial class ConfigurationDocsTests
{
    [Fact]
    public void EveryOptionIsDocumentedWithItsDefault()
    {
        var documented = DocumentedKeys();
        var missing = new List<string>();
        foreach (var (key, value) in OptionKeys())
        {
            if (!documented.TryGetValue(key, out var cell))
            {
                missing.Add($"{key} (default {value}) is not in docs/configuration.md");
            }
            else if (cell != value && !(value == Unset && cell.StartsWith(Unset, StringComparison.Ordinal)))
            {
                missing.Add($"{key}: docs/configuration.md says {cell}, the code's default is {value}");
            }
        }
        Assert.True(missing.Count == 0, string.Join(Environment.NewLine, missing));
    }

    [Fact]
    public void NoDocumentedKeyOfAnOptionsSectionIsUnbound()
    {
        var options = OptionKeys();
        var sections = options.Keys.Select(k => k.Split(':')[0] + ":").Distinct().ToList();
        var stale = DocumentedKeys().Keys.Where(k => sections.Any(s => k.StartsWith(s, StringComparison.Ordinal)) && !options.ContainsKey(k));
        Assert.Empty(stale);
    }

    /// <summary>
    /// Every settable property (or list) of every options class the services bind (a class with a <c>SectionName</c>), with the
    /// default a new instance has, written as the docs write it.
    /// </summary>
    private static Dictionary<string, string> OptionKeys()
    {
        var keys = new Dictionary<string, string>(StringComparer.Ordinal);
        Assembly[] services = [typeof(CowAspire.Api.Quotes.QuoteOptions).Assembly, typeof(CowAspire.Web.Streaming.StreamingOptions).Assembly,
            typeof(CowAspire.ServiceDefaults.Limits.ForwardedHeadersTrustOptions).Assembly];
        foreach (var type in services.SelectMany(a => a.GetTypes()))
        {
            if (type.GetField("SectionName", BindingFlags.Public | BindingFlags.Static)?.GetRawConstantValue() is not string section)
            {
                continue;
            }
            var instance = Activator.CreateInstance(type)!;
            foreach (var property in type.GetProperties(BindingFlags.Public | BindingFlags.Instance).Where(p => p.CanWrite || p.PropertyType.IsAssignableTo(typeof(System.Collections.IList))))
            {
                keys[$"{section}:{property.Name}"] = Format(property.GetValue(instance));
            }
        }
        Assert.NotEmpty(keys);
        return keys;
    }

    /// <summary>A default of null: the docs say "unset", and what that means.</summary>
    private const string Unset = "unset";

    private static string Format(object? value) => value switch
    {
        null => Unset,
        TimeSpan span => span.ToString("c", CultureInfo.InvariantCulture),
        bool flag => flag ? "true" : "false",
        System.Collections.IEnumerable list and not string => list.Cast<object>().Any() ? string.Join(", ", list.Cast<object>()) : "empty",
        _ => Convert.ToString(value, CultureInfo.InvariantCulture)!,
    };

    /// <summary>The table rows of docs/configuration.md: <c>| `Section:Key` | default | meaning |</c>.</summary>
    private static Dictionary<string, string> DocumentedKeys()
    {
        var rows = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (var line in File.ReadLines(Path.Combine(Repository.Root, "docs", "configuration.md")))
        {
            if (Row().Match(line) is { Success: true } row)
            {
                rows[row.Groups["key"].Value] = row.Groups["default"].Value.Trim().Trim('`');
            }
        }
        return rows;
    }

    [GeneratedRegex(@"^\|\s*`(?<key>[A-Za-z]+:[A-Za-z:]+)`\s*\|(?<default>[^|]*)\|")]
    private static partial Regex Row();
}
