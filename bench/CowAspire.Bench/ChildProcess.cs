using System.Collections.Concurrent;
using System.Diagnostics;

namespace CowAspire.Bench;

/// <summary>
/// A server the bench starts. Each runs under <c>setsid</c> (a Ctrl+C on the terminal reaches only the bench, which
/// stops its servers in order) and <c>setpriv --pdeathsig TERM</c> (if the bench dies, the kernel stops them). The
/// parent-death signal follows the thread that forked, so every child is started from one thread that lives as long
/// as the bench. Output is drained at once (a full pipe would stall the server) and the last lines are kept.
/// </summary>
public sealed class ChildProcess : IDisposable
{
    private static readonly BlockingCollection<Action> Starts = [];
    private static readonly Thread Starter = StartStarter();

    private readonly Process _process;
    private readonly ConcurrentQueue<string> _tail = new();
    private readonly Action<string>? _onLine;

    private ChildProcess(Process process, Action<string>? onLine)
    {
        _process = process;
        _onLine = onLine;
    }

    /// <summary>The bench's own socket setting (Program.cs), never passed on to a server.</summary>
    public const string InlineCompletions = "DOTNET_SYSTEM_NET_SOCKETS_INLINE_COMPLETIONS";

    public int Pid => _process.Id;

    public bool HasExited => _process.HasExited;

    /// <summary>The exit code once the process has exited, else null.</summary>
    public int? ExitCode => _process.HasExited ? _process.ExitCode : null;

    public string Tail => string.Join('\n', _tail);

    public static Task<ChildProcess> StartAsync(string fileName, IEnumerable<string> arguments,
        IReadOnlyDictionary<string, string>? environment = null, string? workingDirectory = null, Action<string>? onLine = null)
    {
        var info = new ProcessStartInfo("/usr/bin/setsid")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
            UseShellExecute = false,
            WorkingDirectory = workingDirectory ?? Directory.GetCurrentDirectory(),
        };
        // SIGINT at its default, as from a terminal: a bench started in the background (no job control) ignores it,
        // and its servers would inherit that and never see the SIGINT that stops them first.
        foreach (var argument in (string[])["/usr/bin/setpriv", "--pdeathsig", "TERM", "--", "/usr/bin/env", "--default-signal=INT", fileName, .. arguments])
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment.Remove(InlineCompletions);
        foreach (var (key, value) in environment ?? new Dictionary<string, string>())
        {
            info.Environment[key] = value;
        }

        var started = new TaskCompletionSource<ChildProcess>(TaskCreationOptions.RunContinuationsAsynchronously);
        _ = Starter; // make sure the thread exists
        Starts.Add(() =>
        {
            try
            {
                var process = new Process { StartInfo = info, EnableRaisingEvents = true };
                var child = new ChildProcess(process, onLine);
                process.OutputDataReceived += (_, e) => child.Line(e.Data);
                process.ErrorDataReceived += (_, e) => child.Line(e.Data);
                process.Start();
                process.StandardInput.Close();
                process.BeginOutputReadLine();
                process.BeginErrorReadLine();
                started.SetResult(child);
            }
            catch (Exception ex)
            {
                started.SetException(ex);
            }
        });
        return started.Task;
    }

    private void Line(string? line)
    {
        if (line is null)
        {
            return;
        }
        _tail.Enqueue(line);
        while (_tail.Count > 60 && _tail.TryDequeue(out _))
        {
        }
        _onLine?.Invoke(line);
    }

    /// <summary>Sends a signal (INT, TERM, QUIT, KILL) with kill(1).</summary>
    public static void Signal(int pid, string signal)
    {
        using var kill = Process.Start(new ProcessStartInfo("/bin/kill", ["-" + signal, pid.ToString(System.Globalization.CultureInfo.InvariantCulture)])
        {
            RedirectStandardError = true,
            UseShellExecute = false,
        });
        kill?.WaitForExit(5000);
    }

    /// <summary>Sends <paramref name="signal"/>, then TERM, then KILL, waiting <paramref name="grace"/> between them.</summary>
    /// <returns>How the process ended: the signal that did it.</returns>
    public async Task<string> StopAsync(string signal, TimeSpan grace)
    {
        foreach (var next in (string[])[signal, "TERM", "KILL"])
        {
            if (_process.HasExited)
            {
                break;
            }
            Signal(_process.Id, next);
            using var wait = new CancellationTokenSource(grace);
            try
            {
                await _process.WaitForExitAsync(wait.Token);
                return next;
            }
            catch (OperationCanceledException)
            {
            }
        }
        return _process.HasExited ? signal : "still running";
    }

    public Task WaitForExitAsync(CancellationToken cancellationToken) => _process.WaitForExitAsync(cancellationToken);

    public void Dispose()
    {
        if (!_process.HasExited)
        {
            Signal(_process.Id, "KILL");
        }
        _process.Dispose();
    }

    private static Thread StartStarter()
    {
        var thread = new Thread(() =>
        {
            foreach (var start in Starts.GetConsumingEnumerable())
            {
                start();
            }
        })
        { IsBackground = true, Name = "bench process starter" };
        thread.Start();
        return thread;
    }
}
