using System.Diagnostics;
using System.Globalization;

namespace CowAspire.Tests.Infrastructure;

/// <summary>Processes by pid: whether one lives, and freezing and thawing one.</summary>
public static class Processes
{
    /// <summary>Whether the process runs: a zombie has exited, only its entry remains until it is reaped.</summary>
    public static bool IsAlive(int pid)
    {
        var status = $"/proc/{pid}/status";
        try
        {
            return File.Exists(status)
                && !File.ReadLines(status).Any(l => l.StartsWith("State:", StringComparison.Ordinal) && l.Contains("zombie", StringComparison.Ordinal));
        }
        catch (IOException)
        {
            return false;
        }
    }

    /// <summary>Freezes a process (SIGSTOP), as a hung machine or a network partition looks to its peers.</summary>
    public static Task FreezeAsync(int pid) => SendAsync(pid, "-STOP");

    /// <summary>Thaws a process frozen by <see cref="FreezeAsync"/> (SIGCONT).</summary>
    public static Task ThawAsync(int pid) => SendAsync(pid, "-CONT");

    private static async Task SendAsync(int pid, string signal)
    {
        using var kill = Process.Start("kill", [signal, pid.ToString(CultureInfo.InvariantCulture)]);
        await kill.WaitForExitAsync();
        if (kill.ExitCode != 0)
        {
            throw new InvalidOperationException($"kill {signal} {pid} failed with exit code {kill.ExitCode}.");
        }
    }
}
