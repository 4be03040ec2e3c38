using System.Globalization;

namespace CowAspire.Bench;

/// <summary>Memory and CPU of server processes, read from /proc.</summary>
public static class ProcStats
{
    /// <summary>Clock ticks per second for utime/stime (USER_HZ; 100 on Linux).</summary>
    private const double TicksPerSecond = 100;

    /// <summary>A status field in kB (VmRSS, VmHWM), or 0 if the process is gone.</summary>
    public static long StatusKb(int pid, string field) => FieldKb($"/proc/{pid}/status", field);

    /// <summary>Proportional set size in kB: shared pages split among the processes that map them.</summary>
    public static long PssKb(int pid) => FieldKb($"/proc/{pid}/smaps_rollup", "Pss");

    public static long SumKb(IEnumerable<int> pids, Func<int, long> read) => pids.Sum(read);

    /// <summary>
    /// Resident kB of glibc malloc's heaps (native code's memory: OpenSSL's per-connection state and buffers, the
    /// runtime's native allocations), from /proc/PID/smaps: the main heap ([heap]) and the thread arenas, each a
    /// 64 MiB-aligned reservation of 64 MiB whose used part is read-write and the rest inaccessible. .NET's GC heap,
    /// JIT code and mapped files are elsewhere.
    /// </summary>
    public static long NativeHeapKb(int pid)
    {
        const long Arena = 64L << 20;
        var maps = new List<(long Start, long End, string Perms, string Name, long RssKb)>();
        try
        {
            foreach (var line in File.ReadLines($"/proc/{pid}/smaps"))
            {
                if (line.StartsWith("Rss:", StringComparison.Ordinal) && maps.Count > 0)
                {
                    maps[^1] = maps[^1] with { RssKb = long.Parse(line.AsSpan(4).Trim().ToString().Split(' ')[0], CultureInfo.InvariantCulture) };
                }
                else if (line.Length > 0 && char.IsAsciiHexDigit(line[0]) && line.IndexOf('-') is > 0 and var dash && line.IndexOf(' ') is var space && space > dash)
                {
                    var fields = line.Split(' ', 6, StringSplitOptions.RemoveEmptyEntries);
                    maps.Add((long.Parse(line[..dash], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        long.Parse(line[(dash + 1)..space], NumberStyles.HexNumber, CultureInfo.InvariantCulture),
                        fields[1], fields.Length > 5 ? fields[5].Trim() : "", 0));
                }
            }
        }
        catch (IOException)
        {
            return 0;
        }
        long kb = 0;
        for (var i = 0; i < maps.Count; i++)
        {
            var (start, end, perms, name, rss) = maps[i];
            if (name == "[heap]")
            {
                kb += rss;
            }
            else if (name.Length == 0 && perms.StartsWith("rw", StringComparison.Ordinal) && start % Arena == 0)
            {
                var reservedEnd = i + 1 < maps.Count && maps[i + 1].Start == end && maps[i + 1].Perms.StartsWith("---", StringComparison.Ordinal) ? maps[i + 1].End : end;
                if (reservedEnd - start == Arena)
                {
                    kb += rss;
                }
            }
        }
        return kb;
    }

    /// <summary>User + system CPU seconds the process has used, or 0 if it is gone.</summary>
    public static double CpuSeconds(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid}/stat");
            // The command name is in parentheses and may hold spaces: fields start after the last ')'.
            var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
            // Fields 14 and 15 of stat (utime, stime) are at 11 and 12 counting from field 3 (state).
            var ticks = long.Parse(fields[11], CultureInfo.InvariantCulture) + long.Parse(fields[12], CultureInfo.InvariantCulture);
            return ticks / TicksPerSecond;
        }
        catch (IOException)
        {
            return 0;
        }
    }

    public static double CpuSeconds(IEnumerable<int> pids) => pids.Sum(CpuSeconds);

    /// <summary>CPU seconds of the whole machine (all cores) since boot: busy and total, from /proc/stat.</summary>
    public static (double Busy, double Total) MachineCpu()
    {
        var fields = File.ReadLines("/proc/stat").First().Split(' ', StringSplitOptions.RemoveEmptyEntries)
            .Skip(1).Select(f => long.Parse(f, CultureInfo.InvariantCulture)).ToArray();
        // user nice system idle iowait irq softirq steal (guest time is already in user).
        var idle = fields[3] + fields[4];
        var total = fields.Take(8).Sum();
        return ((total - idle) / TicksPerSecond, total / TicksPerSecond);
    }

    /// <summary>Children of <paramref name="parent"/> (nginx workers of a master).</summary>
    public static IReadOnlyList<int> Children(int parent)
    {
        var children = new List<int>();
        foreach (var dir in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(dir), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText($"{dir}/stat");
                var fields = stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
                if (int.Parse(fields[1], CultureInfo.InvariantCulture) == parent)
                {
                    children.Add(pid);
                }
            }
            catch (IOException)
            {
            }
        }
        return children;
    }

    /// <summary>Whether <paramref name="pid"/> is alive and still runs a command containing <paramref name="commandPart"/>.</summary>
    public static bool IsRunning(int pid, string commandPart)
    {
        try
        {
            var cmdline = File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ');
            var state = File.ReadAllText($"/proc/{pid}/stat");
            var zombie = state[(state.LastIndexOf(')') + 2)..].StartsWith('Z');
            return !zombie && cmdline.Contains(commandPart, StringComparison.Ordinal);
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>This process's soft and hard limits on open files (children inherit them), from /proc/self/limits.</summary>
    public static (int Soft, int Hard) OpenFiles()
    {
        static int Parse(string value) => value == "unlimited" ? 1 << 20 : int.Parse(value, CultureInfo.InvariantCulture);
        var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
        if (line is null)
        {
            return (1024, 1024);
        }
        var fields = line["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries);
        return (Parse(fields[0]), Parse(fields[1]));
    }

    private static long FieldKb(string path, string field)
    {
        try
        {
            foreach (var line in File.ReadLines(path))
            {
                if (line.StartsWith(field, StringComparison.Ordinal) && line.Length > field.Length && line[field.Length] == ':')
                {
                    var value = line[(field.Length + 1)..].Trim();
                    return long.Parse(value.Split(' ')[0], CultureInfo.InvariantCulture);
                }
            }
        }
        catch (IOException)
        {
        }
        return 0;
    }
}
