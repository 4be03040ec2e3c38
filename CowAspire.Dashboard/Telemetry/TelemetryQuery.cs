using System.Text.RegularExpressions;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>The telemetry API's query parameters, checked: what is wrong is named in a 400 problem.</summary>
internal static partial class TelemetryQuery
{
    public const int MaxLimit = 10_000;

    /// <summary>OTLP's severity numbers where each .NET log level starts (Aspire's <c>severity</c> values).</summary>
    private static readonly Dictionary<string, int> Severities = new(StringComparer.OrdinalIgnoreCase)
    {
        ["Trace"] = 1,
        ["Debug"] = 5,
        ["Information"] = 9,
        ["Warning"] = 13,
        ["Error"] = 17,
        ["Critical"] = 21,
    };

    public static string? CheckLimit(int? limit) =>
        limit is < 1 or > MaxLimit ? $"limit must be from 1 to {MaxLimit}, not {limit}." : null;

    /// <summary>A whole trace id or its start (as the dashboard shows them shortened), in hex.</summary>
    public static string? CheckTraceId(string? traceId) =>
        traceId is null || TraceIdPattern().IsMatch(traceId) ? null : $"traceId must be 1 to 32 hex digits, not '{traceId}'.";

    public static string? CheckSeverity(string? severity, out int minimum)
    {
        minimum = 0;
        return severity is null || Severities.TryGetValue(severity, out minimum)
            ? null
            : $"severity must be one of {string.Join(", ", Severities.Keys)}, not '{severity}'.";
    }

    public static bool TraceIdMatches(string storedTraceId, string? filter) =>
        filter is null || storedTraceId.StartsWith(filter, StringComparison.OrdinalIgnoreCase);

    [GeneratedRegex("^[0-9a-fA-F]{1,32}$")]
    private static partial Regex TraceIdPattern();
}
