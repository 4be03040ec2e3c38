using System.Diagnostics;
using System.Globalization;

namespace CowAspire.Tests.Infrastructure;

/// <summary>Freezes and thaws a process (SIGSTOP/SIGCONT), as a hung machine or a network partition looks to its peers.</summary>
public static class ProcessSignals
{
    public static Task FreezeAsync(int pid) => SendAsync(pid, "-STOP");

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
