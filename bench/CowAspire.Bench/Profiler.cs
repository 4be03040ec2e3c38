using System.Globalization;
using System.Text;

namespace CowAspire.Bench;

/// <summary>
/// Where a gateway process spends its CPU while it fans out: <c>perf record</c> on the cpu-clock software event (the
/// only one this kind of virtual machine offers) with call graphs, for a fixed time, then <c>perf report</c> by
/// shared object and by symbol. .NET's JIT-compiled frames get names from the perf map the runtime writes when
/// <c>DOTNET_PerfMapEnabled=1</c> (set for CowAspire when profiling); nginx's come from its symbols as installed.
/// </summary>
public static partial class Profiler
{
    private const int TopSymbols = 25;
    private const int TopParts = 14;

    /// <summary>Samples <paramref name="pids"/> for <paramref name="duration"/>; returns the summary, or why not.</summary>
    public static async Task<CpuProfile> SampleAsync(IReadOnlyList<int> pids, TimeSpan duration, string outputDirectory, string label, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputDirectory);
        var data = Path.Combine(outputDirectory, $"perf-{label}.data");
        var seconds = Math.Max(1, (int)duration.TotalSeconds).ToString(CultureInfo.InvariantCulture);
        var (recordCode, recordOutput) = await RunAsync("perf",
            ["record", "-e", "cpu-clock", "-F", "999", "-g", "-p", string.Join(',', pids), "-o", data, "--", "sleep", seconds], cancellationToken);
        if (recordCode != 0 || !File.Exists(data))
        {
            return new CpuProfile($"perf record failed ({recordCode}): {Last(recordOutput)}", []);
        }
        var (_, rows) = await RunAsync("perf", ["report", "-i", data, "--stdio", "--no-children", "--sort", "dso,sym", "-g", "none", "-t", "|"], cancellationToken);
        var samples = Parse(rows);
        var md = new StringBuilder();
        md.AppendLine(CultureInfo.InvariantCulture, $"By part (self time, share of the process's samples over {seconds} s; perf data: `{Path.GetFileName(data)}`):");
        md.AppendLine();
        md.AppendLine("| part | share |");
        md.AppendLine("|---|---:|");
        foreach (var group in samples.GroupBy(r => Part(r.Object, r.Symbol)).Select(g => (g.Key, Share: g.Sum(r => r.Percent))).OrderByDescending(g => g.Share).Take(TopParts))
        {
            md.AppendLine(CultureInfo.InvariantCulture, $"| {group.Key} | {group.Share:F1} % |");
        }
        md.AppendLine();
        md.AppendLine(CultureInfo.InvariantCulture, $"Top {TopSymbols} symbols (self time):");
        md.AppendLine();
        md.AppendLine("```");
        foreach (var row in samples.OrderByDescending(r => r.Percent).Take(TopSymbols))
        {
            var symbol = Method(row.Symbol) is { } method ? row.Symbol[method.Index..] : row.Symbol;
            symbol = symbol.Length > 150 ? symbol[..150] + "…" : symbol;
            md.AppendLine(CultureInfo.InvariantCulture, $"{row.Percent,6:F2} %  {Path.GetFileName(row.Object),-22}  {symbol}");
        }
        md.AppendLine("```");
        var layers = samples.GroupBy(r => Layer(Part(r.Object, r.Symbol))).Select(g => new ProfileLayer(g.Key, g.Sum(r => r.Percent))).ToList();
        return new CpuProfile(md.ToString(), layers);
    }

    /// <summary>
    /// The layers both servers have, so one delivery's CPU can be set side by side: what any server pays to put an
    /// encrypted event on a loopback socket (OpenSSL, the kernel), and what its own code adds on top.
    /// </summary>
    public static readonly string[] Layers =
    [
        "TLS records and AES-GCM (OpenSSL)",
        "kernel: TCP, syscalls, epoll",
        "kernel: scheduling (wake-ups, futex)",
        "runtime: GC, JIT, thread pool, base library",
        "server and app code (Kestrel, pipelines, sockets, CowAspire, telemetry / nginx, nchan)",
    ];

    private static string Layer(string part) => part switch
    {
        _ when part.StartsWith("OpenSSL", StringComparison.Ordinal) => Layers[0],
        _ when part.StartsWith("kernel: scheduling", StringComparison.Ordinal) => Layers[2],
        _ when part.StartsWith("kernel", StringComparison.Ordinal) => Layers[1],
        _ when part.StartsWith("CoreCLR", StringComparison.Ordinal) || part.StartsWith("JIT", StringComparison.Ordinal)
            || part.StartsWith("managed code", StringComparison.Ordinal) || part == "managed: System.Private.CoreLib"
            || part == "System.Native shims" || part == "libc" => Layers[3],
        _ => Layers[4],
    };

    /// <summary>Rows of <c>perf report -t '|'</c>: " 12.25% |[kernel.kallsyms] |[k] finish_task_switch".</summary>
    private static List<(double Percent, string Object, string Symbol)> Parse(string report)
    {
        var rows = new List<(double, string, string)>();
        foreach (var line in report.Split('\n'))
        {
            var fields = line.Split('|');
            if (line.StartsWith('#') || fields.Length < 3
                || !double.TryParse(fields[0].Trim().TrimEnd('%'), NumberStyles.Float, CultureInfo.InvariantCulture, out var percent))
            {
                continue;
            }
            var symbol = string.Join('|', fields[2..]).Trim();
            // "[k] name" (kernel) or "[.] name" (user space).
            if (symbol.Length > 4 && symbol[0] == '[' && symbol[2] == ']')
            {
                symbol = symbol[4..];
            }
            rows.Add((percent, fields[1].Trim(), symbol));
        }
        return rows;
    }

    /// <summary>Which part of the stack a sample is in: a kernel subsystem, a native library, or a .NET assembly.</summary>
    private static string Part(string dso, string symbol)
    {
        if (dso.Contains("kernel", StringComparison.Ordinal))
        {
            return symbol switch
            {
                // Scheduling first: "finish_task_switch" would otherwise match the socket words below.
                _ when Any(symbol, "schedule", "task_switch", "futex", "yield", "wake", "idle", "pick_next", "enqueue_task", "dequeue_task", "_raw_spin_unlock_irqrestore") => "kernel: scheduling (futex, yield, wake-ups)",
                _ when Any(symbol, "epoll", "ep_poll", "ep_send", "ep_item") => "kernel: epoll",
                _ when Any(symbol, "tcp", "skb", "ip_", "ip4", "inet", "sock", "dev_", "loopback", "net_rx", "napi", "nf_", "netif", "softirq") => "kernel: TCP over loopback",
                _ => "kernel: other (syscall entry, memory, timers)",
            };
        }
        if (Any(dso, "libssl", "libcrypto"))
        {
            return "OpenSSL (TLS records, AES-GCM)";
        }
        if (dso.Contains("libcoreclr", StringComparison.Ordinal))
        {
            return "CoreCLR runtime (GC, thread pool, stubs)";
        }
        if (dso.Contains("libclrjit", StringComparison.Ordinal))
        {
            return "JIT compiler";
        }
        if (Any(dso, "libSystem."))
        {
            return "System.Native shims";
        }
        if (Any(dso, "libc.so", "ld-linux", "libpthread"))
        {
            return "libc";
        }
        if (dso.StartsWith("[JIT]", StringComparison.Ordinal) && Method(symbol) is null)
        {
            return "managed code (stubs, unnamed)";
        }
        if (Any(dso, "doublemapper"))
        {
            return "managed code (unnamed)";
        }
        return Method(symbol) is { } method ? "managed: " + method.Groups[1].Value : Path.GetFileName(dso);
    }

    /// <summary>
    /// A perf-map name's method part: "[Assembly] Type::Method…", the assembly in brackets followed by a space (the
    /// return type's brackets, "[System.Runtime]System.…", have none), as in
    /// "instance void [System.Net.Security] System.Net.Security.SslStream::…[OptimizedTier1]".
    /// </summary>
    private static System.Text.RegularExpressions.Match? Method(string symbol) =>
        ManagedMethod().Match(symbol) is { Success: true } match ? match : null;

    [System.Text.RegularExpressions.GeneratedRegex(@"\[([\w.]+)\] \S+::")]
    private static partial System.Text.RegularExpressions.Regex ManagedMethod();

    private static bool Any(string text, params string[] parts) => parts.Any(p => text.Contains(p, StringComparison.Ordinal));

    private static string Last(string output) => string.Join(" ", output.Split('\n').TakeLast(3));

    private static async Task<(int Code, string Output)> RunAsync(string file, string[] arguments, CancellationToken cancellationToken)
    {
        var (code, output, error) = await Command.RunAsync(file, arguments, TimeSpan.FromMinutes(2), cancellationToken);
        return (code, code == -1 ? $"{error} (Debian package linux-perf)" : code == 0 ? output : error);
    }
}

/// <summary>A profile's Markdown summary and its shares by <see cref="Profiler.Layers"/> (percent of the samples).</summary>
public sealed record CpuProfile(string Markdown, IReadOnlyList<ProfileLayer> Layers);

public sealed record ProfileLayer(string Name, double Percent);
