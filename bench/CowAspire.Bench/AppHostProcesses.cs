using System.Globalization;

namespace CowAspire.Bench;

/// <summary>
/// One process of a running AppHost, known by its pid and its start time (so a pid the kernel reuses later is never
/// taken for it). <see cref="Kind"/> groups processes for the report's labels; <see cref="Name"/> is the row of the CPU
/// breakdown (processes of one name are added up there).
/// </summary>
public sealed record AppHostProcess(int Pid, long StartTicks, string Kind, string Name, string CommandLine)
{
    /// <summary>Whether this very process (same pid, same start time) still runs (a zombie does not).</summary>
    public bool IsRunning => AppHostProcesses.Read(Pid) is { } now && now.StartTicks == StartTicks && now.State != 'Z';

    public override string ToString() => $"{Name} (pid {Pid})";
}

/// <summary>
/// Every process of one AppHost, found in /proc the way CowAspire's tests find them (AppHostProcessTests): the
/// AppHost's own descendants and DCP's. DCP detaches from the AppHost (<c>dcp start-apiserver --monitor &lt;AppHost
/// pid&gt;</c>, a child of init) and under it run <c>dcp run-controllers</c> (which holds DCP's proxies), DCP's
/// <c>monitor-process</c> helpers, Aspire's dashboard, redis-server and a <c>dotnet run</c> per project replica with the
/// service under it.
/// </summary>
public static class AppHostProcesses
{
    public const string AppHost = "AppHost";
    public const string Dcp = "DCP";
    public const string Dashboard = "Aspire dashboard";
    public const string DotnetRun = "dotnet run";
    public const string Web = "Web";
    public const string Api = "Api";
    public const string Redis = "redis-server";

    /// <param name="appHost">The AppHost's pid.</param>
    /// <param name="appHostRunning">
    /// False once the AppHost has exited: then only DCP's processes are looked for (by <c>--monitor</c>), not the
    /// descendants of a pid that may be another process's by now.
    /// </param>
    public static IReadOnlyList<AppHostProcess> Of(int appHost, bool appHostRunning = true)
    {
        var table = new Dictionary<int, (int Parent, long StartTicks, string CommandLine)>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid)
                && Read(pid) is { } stat && stat.State != 'Z' && CommandLine(pid) is { Length: > 0 } commandLine)
            {
                table[pid] = (stat.Parent, stat.StartTicks, commandLine);
            }
        }
        var monitor = $"--monitor {appHost.ToString(CultureInfo.InvariantCulture)}";
        var found = table.Where(p => p.Value.CommandLine.Contains(monitor + " ", StringComparison.Ordinal) || p.Value.CommandLine.EndsWith(monitor, StringComparison.Ordinal))
            .Select(p => p.Key).ToHashSet();
        if (appHostRunning)
        {
            found.Add(appHost);
        }
        for (var grown = true; grown;)
        {
            grown = false;
            foreach (var (pid, (parent, _, _)) in table)
            {
                grown |= found.Contains(parent) && found.Add(pid);
            }
        }
        return [.. found.Where(table.ContainsKey).Order().Select(pid => Classify(pid, appHost, table[pid].StartTicks, table[pid].CommandLine))];
    }

    private static AppHostProcess Classify(int pid, int appHost, long startTicks, string commandLine)
    {
        var arguments = commandLine.Split(' ', StringSplitOptions.RemoveEmptyEntries);
        var program = Path.GetFileName(arguments[0]);
        if (pid == appHost)
        {
            return new(pid, startTicks, AppHost, "AppHost", commandLine);
        }
        if (program == "dcp")
        {
            return new(pid, startTicks, Dcp, arguments.Length > 1 ? $"dcp {arguments[1]}" : "dcp", commandLine);
        }
        if (commandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal))
        {
            return new(pid, startTicks, Dashboard, Dashboard, commandLine);
        }
        if (program == "dotnet" && arguments is [_, "run", ..])
        {
            return new(pid, startTicks, DotnetRun, DotnetRun, commandLine);
        }
        if (commandLine.Contains("CowAspire.Web/bin/", StringComparison.Ordinal))
        {
            return new(pid, startTicks, Web, InstanceName(pid) ?? $"web ({pid})", commandLine);
        }
        if (commandLine.Contains("CowAspire.Api/bin/", StringComparison.Ordinal))
        {
            return new(pid, startTicks, Api, InstanceName(pid) ?? "api", commandLine);
        }
        if (program == "redis-server")
        {
            return new(pid, startTicks, Redis, Redis, commandLine);
        }
        var comm = File.Exists($"/proc/{pid}/comm") ? File.ReadAllText($"/proc/{pid}/comm").Trim() : program;
        return new(pid, startTicks, comm, comm, commandLine);
    }

    /// <summary>
    /// The replica's name as DCP gives it (web-abcdefgh), from what Aspire puts in its OpenTelemetry resource:
    /// <c>OTEL_SERVICE_NAME</c> (web) and the <c>service.instance.id</c> of <c>OTEL_RESOURCE_ATTRIBUTES</c> (abcdefgh).
    /// </summary>
    private static string? InstanceName(int pid)
    {
        var environment = Environment(pid, "OTEL_SERVICE_NAME", "OTEL_RESOURCE_ATTRIBUTES");
        var instance = (environment.GetValueOrDefault("OTEL_RESOURCE_ATTRIBUTES") ?? "")
            .Split(',').Select(a => a.Split('=', 2)).FirstOrDefault(a => a is ["service.instance.id", { Length: > 0 }])?[1];
        return (environment.GetValueOrDefault("OTEL_SERVICE_NAME"), instance) switch
        {
            ({ Length: > 0 } service, { } id) when !id.StartsWith(service + "-", StringComparison.Ordinal) => $"{service}-{id}",
            (_, { } id) => id,
            ({ Length: > 0 } service, null) => $"{service} ({pid})",
            _ => null,
        };
    }

    /// <summary>The values of <paramref name="keys"/> in a process's environment (only those: it holds secrets too).</summary>
    public static IReadOnlyDictionary<string, string> Environment(int pid, params string[] keys)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        try
        {
            foreach (var entry in File.ReadAllText($"/proc/{pid}/environ").Split('\0'))
            {
                var eq = entry.IndexOf('=', StringComparison.Ordinal);
                if (eq > 0 && keys.Contains(entry[..eq], StringComparer.Ordinal))
                {
                    values[entry[..eq]] = entry[(eq + 1)..];
                }
            }
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            // Gone.
        }
        return values;
    }

    /// <summary>The process among <paramref name="processes"/> that listens on loopback TCP <paramref name="port"/> (/proc/net/tcp, tcp6 and its descriptors).</summary>
    public static AppHostProcess? Listening(IEnumerable<AppHostProcess> processes, int port)
    {
        var inodes = ListeningSockets().Where(s => s.Port == port).Select(s => s.Socket).ToHashSet(StringComparer.Ordinal);
        return inodes.Count == 0 ? null : processes.FirstOrDefault(p => Sockets(p.Pid).Overlaps(inodes));
    }

    /// <summary>The TCP ports <paramref name="process"/> listens on.</summary>
    public static IReadOnlySet<int> ListeningPorts(AppHostProcess process)
    {
        var sockets = Sockets(process.Pid);
        return ListeningSockets().Where(s => sockets.Contains(s.Socket)).Select(s => s.Port).ToHashSet();
    }

    /// <summary>Every listening TCP socket (/proc/net/tcp and tcp6): its port and its descriptor's link target.</summary>
    private static IEnumerable<(int Port, string Socket)> ListeningSockets()
    {
        foreach (var table in (string[])["/proc/net/tcp", "/proc/net/tcp6"])
        {
            if (!File.Exists(table))
            {
                continue;
            }
            foreach (var line in File.ReadLines(table).Skip(1))
            {
                // sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode
                var fields = line.Split(' ', StringSplitOptions.RemoveEmptyEntries);
                if (fields.Length > 9 && fields[3] == "0A")
                {
                    yield return (int.Parse(fields[1][(fields[1].LastIndexOf(':') + 1)..], NumberStyles.HexNumber, CultureInfo.InvariantCulture), $"socket:[{fields[9]}]");
                }
            }
        }
    }

    /// <summary>The link targets of a process's descriptors (<c>socket:[inode]</c> for sockets); empty once it is gone.</summary>
    private static HashSet<string> Sockets(int pid)
    {
        static string? Target(string fd)
        {
            try
            {
                return new FileInfo(fd).LinkTarget;
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                return null; // closed since it was listed
            }
        }
        try
        {
            return Directory.EnumerateFileSystemEntries($"/proc/{pid}/fd").Select(Target).OfType<string>().ToHashSet(StringComparer.Ordinal);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return [];
        }
    }

    /// <summary>State, parent and start time (clock ticks after boot) from /proc/PID/stat, or null if the process is gone.</summary>
    internal static (char State, int Parent, long StartTicks)? Read(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name in parentheses may hold spaces and ')': fields start after the last ')', at field 3 (state).
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            return (fields[0][0], int.Parse(fields[1], CultureInfo.InvariantCulture), long.Parse(fields[19], CultureInfo.InvariantCulture));
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static string? CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
