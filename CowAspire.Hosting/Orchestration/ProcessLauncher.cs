using System.Collections.Concurrent;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// Starts child processes so that none outlives the AppHost, even when it is killed with SIGKILL.
/// Each child runs under <c>setsid</c> (Ctrl+C reaches only the AppHost, which stops children in order) and
/// <c>setpriv --pdeathsig TERM</c> (the kernel signals the child when its parent goes). The parent-death signal
/// follows the thread that forked, not the process, so every fork happens on one thread that lives as long
/// as the launcher.
/// </summary>
internal sealed partial class ProcessLauncher : IDisposable
{
    private const int SigTerm = 15;
    private const int SigKill = 9;

    private readonly BlockingCollection<(ProcessStartInfo Info, TaskCompletionSource<Process> Started)> _requests = [];
    private readonly Thread _thread;

    public ProcessLauncher()
    {
        _thread = new Thread(Loop) { IsBackground = true, Name = "CowAspire process launcher" };
        _thread.Start();
    }

    public static bool IsSupported => OperatingSystem.IsLinux() && File.Exists("/usr/bin/setpriv") && File.Exists("/usr/bin/setsid");

    public Task<Process> StartAsync(string fileName, IEnumerable<string> arguments, string workingDirectory, IReadOnlyDictionary<string, string> environment)
    {
        var info = new ProcessStartInfo
        {
            WorkingDirectory = workingDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
        };
        if (IsSupported)
        {
            info.FileName = "/usr/bin/setsid";
            foreach (var prefix in (string[])["/usr/bin/setpriv", "--pdeathsig", "TERM", "--"])
            {
                info.ArgumentList.Add(prefix);
            }
            info.ArgumentList.Add(fileName);
        }
        else
        {
            info.FileName = fileName;
        }
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        foreach (var (name, value) in environment)
        {
            info.Environment[name] = value;
        }

        var started = new TaskCompletionSource<Process>(TaskCreationOptions.RunContinuationsAsynchronously);
        _requests.Add((info, started));
        return started.Task;
    }

    /// <summary>Asks the process to stop (SIGTERM), as Ctrl+C would.</summary>
    public static void Terminate(Process process) => Signal(process, SigTerm);

    public static void Kill(Process process) => Signal(process, SigKill);

    private static void Signal(Process process, int signal)
    {
        try
        {
            if (!process.HasExited)
            {
                _ = SendSignal(process.Id, signal);
            }
        }
        catch (InvalidOperationException)
        {
            // Never started or already reaped: nothing to signal.
        }
    }

    private void Loop()
    {
        foreach (var (info, started) in _requests.GetConsumingEnumerable())
        {
            try
            {
                var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                process.Start();
                started.SetResult(process);
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        }
    }

    public void Dispose()
    {
        _requests.CompleteAdding();
        _thread.Join(TimeSpan.FromSeconds(5));
        _requests.Dispose();
    }

    [LibraryImport("libc", EntryPoint = "kill", SetLastError = true)]
    private static partial int SendSignal(int pid, int signal);
}
