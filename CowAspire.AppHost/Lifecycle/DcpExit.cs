using System.Globalization;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// DCP detaches from the AppHost (<c>dcp start-apiserver --monitor &lt;AppHost pid&gt; --detach</c>) and, once the AppHost
/// has asked it to stop, exits on its own a moment after the AppHost is done with it. Waiting for DCP's processes (the
/// API server, its controllers, their process monitors), noted once the app has started, makes the AppHost's exit the
/// end of the run, with no process of it left. Found in /proc, so on Linux only; elsewhere DCP finishes by itself.
/// </summary>
internal sealed class DcpExit
{
    private static readonly TimeSpan s_poll = TimeSpan.FromMilliseconds(20);

    private List<(int Pid, string StartTime)> _processes = [];
    private Task _noting = Task.CompletedTask;

    /// <summary><see cref="Note"/> on the thread pool.</summary>
    public void NoteInBackground() => _noting = Task.Run(Note);

    /// <summary>Notes DCP's processes for this AppHost: the API server that watches this process, and its descendants.</summary>
    public void Note()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }
        var monitor = $"--monitor {Environment.ProcessId.ToString(CultureInfo.InvariantCulture)} ";
        var parents = new Dictionary<int, int>();
        var found = new List<int>();
        foreach (var directory in Directory.EnumerateDirectories("/proc"))
        {
            if (!int.TryParse(Path.GetFileName(directory), NumberStyles.None, CultureInfo.InvariantCulture, out var pid) || Stat(pid) is not { } stat)
            {
                continue;
            }
            parents[pid] = int.Parse(stat[1], CultureInfo.InvariantCulture);
            try
            {
                var commandLine = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ');
                if (commandLine.Contains(" start-apiserver ", StringComparison.Ordinal) && commandLine.Contains(monitor, StringComparison.Ordinal))
                {
                    found.Add(pid);
                }
            }
            catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
            {
                // Gone while listed.
            }
        }
        for (var i = 0; i < found.Count; i++)
        {
            found.AddRange(parents.Where(p => p.Value == found[i] && !found.Contains(p.Key)).Select(p => p.Key));
        }
        _processes = [.. found.Select(pid => (pid, Stat(pid)?[19] ?? "")).Where(p => p.Item2.Length > 0)];
    }

    /// <summary>Waits, up to <paramref name="timeout"/>, until every noted process has exited (a zombie has).</summary>
    public void WaitForExit(TimeSpan timeout)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        _noting.Wait(timeout);
        while (_processes.Any(p => Runs(p.Pid, p.StartTime)) && DateTimeOffset.UtcNow < deadline)
        {
            // Polls on purpose: these are not this process's children, so no exit notification reaches it.
            Thread.Sleep(s_poll);
        }
    }

    private static bool Runs(int pid, string startTime) => Stat(pid) is { } stat && stat[0] != "Z" && stat[19] == startTime;

    /// <summary>The fields of /proc/pid/stat after the command name: state, parent pid, …, start time (index 19).</summary>
    private static string[]? Stat(int pid)
    {
        try
        {
            var stat = File.ReadAllText($"/proc/{pid.ToString(CultureInfo.InvariantCulture)}/stat");
            return stat[(stat.LastIndexOf(')') + 2)..].Split(' ');
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }
}
