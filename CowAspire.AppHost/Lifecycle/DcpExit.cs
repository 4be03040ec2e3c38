using System.Diagnostics;
using System.Globalization;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// DCP detaches from the AppHost (<c>dcp start-apiserver --monitor &lt;AppHost pid&gt; --detach</c>) and, once the AppHost
/// has asked it to stop, exits on its own a moment after the AppHost is done with it. Waiting for DCP and what it still
/// runs (its controllers and their process monitors) makes the AppHost's exit the end of the run: no process of it left
/// behind. Found in /proc, so on Linux only; elsewhere DCP's monitor finishes the clean-up by itself.
/// </summary>
internal static class DcpExit
{
    public static void WaitFor(TimeSpan timeout)
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var deadline = Stopwatch.StartNew();
        foreach (var pid in DcpProcesses())
        {
            try
            {
                using var process = Process.GetProcessById(pid);
                var left = timeout - deadline.Elapsed;
                if (left <= TimeSpan.Zero || !process.WaitForExit(left))
                {
                    return;
                }
            }
            catch (ArgumentException)
            {
                // Exited already.
            }
        }
    }

    /// <summary>DCP's processes for this AppHost: the API server that watches this process, and its descendants.</summary>
    private static List<int> DcpProcesses()
    {
        var monitor = $"--monitor {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)}";
        var parents = new Dictionary<int, int>();
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid))
            {
                continue;
            }
            try
            {
                var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], CultureInfo.InvariantCulture);
                var arguments = File.ReadAllText(Path.Combine(directory, "cmdline")).Split('\0');
                if (Array.IndexOf(arguments, "start-apiserver") >= 0 && string.Join(' ', arguments).Contains($"{monitor} ", StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
            {
                // Gone while listed.
            }
        }
        for (var i = 0; i < found.Count; i++)
        {
            found.AddRange(parents.Where(p => p.Value == found[i] && !found.Contains(p.Key)).Select(p => p.Key));
        }
        return found;
    }
}
