using System.Globalization;
using System.Text;

namespace CowAspire.Bench;

/// <summary>
/// Where a gateway process spends its CPU while it fans out: <c>perf record</c> on the cpu-clock software event (the
/// only one this kind of virtual machine offers) with call graphs, for a fixed time, then <c>perf report</c> by
/// shared object and by symbol. .NET's JIT-compiled frames get names from the perf map the runtime writes when
/// <c>DOTNET_PerfMapEnabled=1</c> (set for CowAspire when profiling); nginx's come from its symbols as installed.
/// </summary>
public static class Profiler
{
    private const int TopSymbols = 25;
    private const int TopObjects = 8;

    /// <summary>Samples <paramref name="pids"/> for <paramref name="duration"/>; returns the summary as Markdown, or why not.</summary>
    public static async Task<string> SampleAsync(IReadOnlyList<int> pids, TimeSpan duration, string outputDirectory, string label, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var data = Path.Combine(outputDirectory, $"perf-{label}.data");
        var seconds = Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var (recordCode, recordOutput) = await RunAsync("perf",
            ["record", "-e", "cpu-clock", "-F", "999", "-g", "-p", string.Join(',', pids), "-o", data, "--", "sleep", seconds], cancellationToken);
        if (recordCode != 0 || !File.Exists(data))
        {
            return $"perf record failed ({recordCode}): {Last(recordOutput)}";
        }
        var (_, objects) = await RunAsync("perf", ["report", "-i", data, "--stdio", "--no-children", "--sort", "dso", "--percent-limit", "1"], cancellationToken);
        var (_, symbols) = await RunAsync("perf", ["report", "-i", data, "--stdio", "--no-children", "--sort", "dso,symbol", "-g", "none", "--percent-limit", "0.5"], cancellationToken);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"By shared object (share of the process's samples; perf data: `{Path.GetFileName(data)}`):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(string.Join('\n', Rows(objects).Take(TopObjects)));
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Top {TopSymbols} symbols (self time):");
        md.AppendLine();
        md.AppendLine("```");
        md.AppendLine(string.Join('\n', Rows(symbols).Take(TopSymbols)));
        md.AppendLine("```");
        return md.ToString();
    }

    /// <summary>The report's data lines (not its # comments or blank lines), cut to a readable width.</summary>
    private static IEnumerable<string> Rows(string report) =>
        report.Split('\n').Select(l => l.TrimEnd()).Where(l => l.Length > 0 && !l.StartsWith('#'))
            .Select(l => l.Length > 160 ? l[..160] + "…" : l);

    private static string Last(string output) => string.Join(" ", output.Split('\n').TakeLast(3));

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var (code, output, error) = await Command.RunAsync(file, arguments, TimeSpan.FromMinutes(2), cancellationToken);
        return (code, code == -1 ? $"{error} (Debian package linux-perf)" : code == 0 ? output : error);
    }
}
