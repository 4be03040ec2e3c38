using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>The built AppHost run as a developer runs it: its own process, its console, its signals.</summary>
public sealed partial class AppHostProcessTests(ITestOutputHelper output)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CtrlCStopsEveryResourceAndLeavesNoProcess()
    {
        using var appHost = await StartAppHostAsync();
        var pids = ChildPids(appHost);

        var clock = Stopwatch.StartNew();
        using (var interrupt = Process.Start("kill", ["-INT", appHost.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(Cancellation);
        }
        await appHost.Process.WaitForExitAsync(Cancellation).DefaultTimeout(TestConstants.AppHostProcessStopTimeout);
        output.WriteLine($"The AppHost exited {clock.ElapsedMilliseconds} ms after SIGINT, with code {appHost.Process.ExitCode}.");

        Assert.Equal(0, appHost.Process.ExitCode);
        Assert.All(pids, child => Assert.False(Processes.IsAlive(child.Pid), $"{child} outlived the AppHost"));
    }

    [Fact]
    public async Task KilledAppHostLeavesNoProcess()
    {
        using var appHost = await StartAppHostAsync();
        var pids = ChildPids(appHost);

        appHost.Process.Kill();
        await appHost.Process.WaitForExitAsync(Cancellation);

        // Nothing of the AppHost's runs any more: DCP, which watches its pid (--monitor), stops everything it started.
        await Poll.UntilAsync(() => pids.All(child => !Processes.IsAlive(child.Pid)), TestConstants.AppHostProcessStopTimeout,
            $"every process of the killed AppHost has exited (left: {string.Join(", ", pids.Where(child => Processes.IsAlive(child.Pid)))})", Cancellation);
    }

    [Fact]
    public async Task TakenDashboardPortFailsTheStartInOneLineWithExitCodeOne()
    {
        // Fixed ports, as from the launch profile: with random ones DCP would put the dashboard on a free port.
        using var squatter = Squat(out var port);
        var info = AppHostStartInfo([.. NoOtherFixedPorts]);
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{port}";
        await AssertStartFailsAsync($"the dashboard's port {port}", info);
    }

    [Fact]
    public async Task TakenWebPortFailsTheStartInOneLineWithExitCodeOne()
    {
        using var squatter = Squat(out var port);
        await AssertStartFailsAsync("Ports:web:https", AppHostStartInfo([.. NoOtherFixedPorts.Where(p => !p.StartsWith("Ports:web:https=", StringComparison.Ordinal)), $"Ports:web:https={port}"]));
    }

    [Fact]
    public async Task MissingRedisCommandFailsTheStartInOneLineWithExitCodeOne() =>
        await AssertStartFailsAsync("'/nonexistent' was not found", AppHostStartInfo("DcpPublisher:RandomizePorts=true", "Redis:Command=/nonexistent"));

    [Fact]
    public async Task MissingDevelopmentCertificateFailsTheStartNamingTheFix()
    {
        var home = Directory.CreateTempSubdirectory("cowaspire-home-");
        try
        {
            var info = AppHostStartInfo("DcpPublisher:RandomizePorts=true");
            // A user who never ran 'dotnet dev-certs https': the certificate store lives under HOME.
            info.Environment["HOME"] = home.FullName;
            await AssertStartFailsAsync("dotnet dev-certs https", info);
        }
        finally
        {
            home.Delete(recursive: true);
        }
    }

    [Fact]
    public async Task ConnectionFloodWithinTheProxysDescriptorLimitLeavesEveryResourceRunningAndThePageServing()
    {
        // The AppHost gets a small open-file limit of its own (DCP and everything it starts inherit it). The door is
        // DCP's proxy, two descriptors a connection beside its own few hundred: 500 idle connections stay within it. (Past
        // its limit DCP's proxy stops accepting for good, an Aspire behaviour this app cannot change.)
        const int openFiles = 1536;
        const int connections = 500;
        using var appHost = await StartAppHostAsync(openFiles);
        var pids = ChildPids(appHost);
        var flood = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < connections; i++)
            {
                var socket = new System.Net.Sockets.Socket(System.Net.Sockets.SocketType.Stream, System.Net.Sockets.ProtocolType.Tcp);
                flood.Add(socket);
                try
                {
                    await socket.ConnectAsync(appHost.Web.Host, appHost.Web.Port, Cancellation);
                }
                catch (System.Net.Sockets.SocketException)
                {
                    // Refused or reset once the door is full: that is the point.
                }
            }
            output.WriteLine($"{flood.Count(s => s.Connected)} of {connections} connections made.");
            Assert.False(appHost.Process.HasExited, "The AppHost died of the flood.");
            Assert.All(pids, child => Assert.True(Processes.IsAlive(child.Pid), $"{child} died of the flood"));

            // Connections that never send a byte are closed by the door itself, so none is held for ever.
            var closed = await Task.WhenAll(flood.Where(s => s.Connected).Take(50).Select(EndsAsync));
            Assert.All(closed, Assert.True);
        }
        finally
        {
            flood.ForEach(s => s.Dispose());
        }

        using var http = new HttpClient(TestHttp.CreateHandler()) { BaseAddress = appHost.Web };
        using var page = await http.GetAsync("/", Cancellation);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.False(appHost.Process.HasExited);
        Assert.All(pids, child => Assert.True(Processes.IsAlive(child.Pid), $"{child} died of the flood"));
    }

    /// <summary>True once the peer ends the connection (a clean end or a reset), within the door's first-byte timeout and a margin.</summary>
    private static async Task<bool> EndsAsync(System.Net.Sockets.Socket socket)
    {
        var buffer = new byte[1];
        try
        {
            return await socket.ReceiveAsync(buffer, Cancellation).AsTask().WaitAsync(TimeSpan.FromSeconds(40), Cancellation) == 0;
        }
        catch (System.Net.Sockets.SocketException)
        {
            return true;
        }
    }

    private static System.Net.Sockets.TcpListener Squat(out int port)
    {
        var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        return squatter;
    }

    /// <summary>
    /// The AppHost ends within seconds, exit code 1, with one line on stderr naming <paramref name="cause"/> and no
    /// stack trace anywhere.
    /// </summary>
    private async Task AssertStartFailsAsync(string cause, ProcessStartInfo info)
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<(bool Error, string Text)>();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue((false, e.Data)); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue((true, e.Data)); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(Cancellation).DefaultTimeout(TestConstants.AppHostProcessStartTimeout);
        }
        finally
        {
            if (!process.HasExited)
            {
                process.Kill(entireProcessTree: true);
            }
        }
        foreach (var line in lines)
        {
            Log($"{(line.Error ? "stderr" : "stdout")}: {line.Text}");
        }

        Assert.Equal(1, process.ExitCode);
        var failure = Assert.Single(lines, line => line.Text.StartsWith("CowAspire cannot start:", StringComparison.Ordinal));
        Assert.True(failure.Error, "The failure line went to stdout, not stderr.");
        Assert.Contains(cause, failure.Text, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, line => line.Text.Contains("Unhandled exception", StringComparison.Ordinal) || line.Text.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    /// <summary>
    /// Every fixed port of the app (web's Kestrel endpoints, api's launch profile) on a free one instead, for runs
    /// without random ports: other apps on this machine may hold the fixed ones.
    /// </summary>
    private static readonly string[] NoOtherFixedPorts = ["Ports:web:https=0", "Ports:web:http=0", "Ports:web:h2c=0", "Ports:api:http=0"];

    private static ProcessStartInfo AppHostStartInfo(params string[] arguments) => AppHostStartInfo(openFiles: null, arguments);

    /// <param name="openFiles">An open-file limit for the AppHost (and so for DCP and everything it starts), set with prlimit.</param>
    private static ProcessStartInfo AppHostStartInfo(int? openFiles, params string[] arguments)
    {
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        var projectDirectory = Projects.CowAspire_AppHost.ProjectPath;
        // As from a terminal, Ctrl+C must reach it: a test run started in the background (a shell without job
        // control) ignores SIGINT, and the AppHost, like every process, would inherit that. env and prlimit exec, so
        // the process started is the AppHost.
        var info = new ProcessStartInfo("env")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add("--default-signal=INT");
        if (openFiles is { } limit)
        {
            info.ArgumentList.Add("prlimit");
            info.ArgumentList.Add($"--nofile={limit}:{limit}");
        }
        info.ArgumentList.Add("dotnet");
        info.ArgumentList.Add(Path.Combine(projectDirectory, "bin", configuration, "net10.0", "CowAspire.AppHost.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["NO_COLOR"] = "1";
        info.Environment["DOTNET_ENVIRONMENT"] = "Development";
        // What the launch profile gives `dotnet run`, on ports of this run's own (plain HTTP on loopback, as Aspire
        // allows when told so): apps of other tests and a developer's ./run.sh may run side by side.
        info.Environment["ASPNETCORE_URLS"] = $"http://127.0.0.1:{FreePort()}";
        info.Environment["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        info.Environment["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{FreePort()}";
        info.Environment["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true";
        return info;
    }

    private static int FreePort()
    {
        using var listener = Squat(out var port);
        return port;
    }

    private async Task<RunningAppHost> StartAppHostAsync(int? openFiles = null)
    {
        var process = Process.Start(AppHostStartInfo(openFiles, "DcpPublisher:RandomizePorts=true"))!;
        var ready = new TaskCompletionSource<Match>(TaskCreationOptions.RunContinuationsAsynchronously);
        var clock = Stopwatch.StartNew();
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is null)
            {
                ready.TrySetException(new InvalidOperationException("The AppHost ended its output before it was ready."));
                return;
            }
            Log(e.Data);
            if (ReadyLine().Match(e.Data) is { Success: true } match)
            {
                ready.TrySetResult(match);
            }
        };
        process.ErrorDataReceived += (_, e) => Log(e.Data);
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            var line = await ready.Task.DefaultTimeout(TestConstants.AppHostProcessStartTimeout);
            output.WriteLine($"Ready {clock.ElapsedMilliseconds} ms after the AppHost process started.");
            return new RunningAppHost(process, new Uri(line.Groups["web"].Value), new Uri(line.Groups["dashboard"].Value), line.Groups["token"].Value);
        }
        catch
        {
            KillRun(process);
            process.Dispose();
            throw;
        }
    }

    /// <summary>
    /// Every process the ready AppHost started, found in /proc: its descendants, and DCP's, which detaches from it
    /// (<c>dcp start-apiserver --monitor &lt;AppHost pid&gt;</c>) and starts the dashboard, redis-server, each project
    /// replica's service (as its built executable, not under <c>dotnet run</c>: BuiltProjectLaunch) and helpers of its
    /// own (its controllers, a process monitor per process). Checks that each kind is there, so that an empty or partial
    /// walk cannot pass.
    /// </summary>
    private IReadOnlyList<ChildProcess> ChildPids(RunningAppHost appHost)
    {
        // DCP asks the container runtime now and then (`docker network ls`…); those one-shot commands are not the run's.
        IReadOnlyList<ChildProcess> pids = [.. ProcessTree.OfAppHost(appHost.Process.Id)
            .Where(p => !p.CommandLine.Contains("docker ", StringComparison.Ordinal))];
        foreach (var child in pids)
        {
            output.WriteLine($"child: {child}");
        }
        Assert.Single(pids, p => p.CommandLine.Contains("dcp start-apiserver", StringComparison.Ordinal));
        Assert.Single(pids, p => p.CommandLine.Contains("Aspire.Dashboard", StringComparison.Ordinal));
        Assert.Single(pids, p => p.CommandLine.StartsWith("redis-server", StringComparison.Ordinal));
        Assert.Single(pids, p => p.CommandLine.Contains("dcp run-controllers", StringComparison.Ordinal));
        Assert.DoesNotContain(pids, p => p.CommandLine.StartsWith("dotnet run", StringComparison.Ordinal));
        Assert.Single(pids, p => p.CommandLine.Contains("CowAspire.Api/bin/", StringComparison.Ordinal));
        Assert.Equal(2, pids.Count(p => p.CommandLine.Contains("CowAspire.Web/bin/", StringComparison.Ordinal)));
        Assert.All(pids, child => Assert.True(Processes.IsAlive(child.Pid), $"{child} should run"));
        return pids;
    }

    /// <summary>After a failed start: the AppHost, DCP and whatever DCP started, so that nothing of a failed test lingers.</summary>
    private static void KillRun(Process process)
    {
        if (process.HasExited)
        {
            return;
        }
        var pids = ProcessTree.OfAppHost(process.Id);
        try
        {
            process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Exited meanwhile.
        }
        foreach (var child in pids)
        {
            try
            {
                using var running = Process.GetProcessById(child.Pid);
                running.Kill();
            }
            catch (Exception ex) when (ex is ArgumentException or InvalidOperationException or System.ComponentModel.Win32Exception)
            {
                // Gone already.
            }
        }
    }

    private void Log(string? line)
    {
        try
        {
            if (line is not null)
            {
                output.WriteLine(line);
            }
        }
        catch (InvalidOperationException)
        {
            // Output after the test ended.
        }
    }

    [GeneratedRegex(@"^CowAspire ready: web=(?<web>https://127\.0\.0\.1:\d+) dashboard=(?<dashboard>http://127\.0\.0\.1:\d+)/login\?t=(?<token>[0-9a-f]+)$")]
    private static partial Regex ReadyLine();

    private sealed record RunningAppHost(Process Process, Uri Web, Uri Dashboard, string Token) : IDisposable
    {
        public void Dispose()
        {
            KillRun(Process);
            Process.Dispose();
        }
    }

    private sealed record ChildProcess(int Pid, string CommandLine)
    {
        public override string ToString() => $"{Pid} ({(CommandLine.Length > 100 ? CommandLine[..100] + "…" : CommandLine)})";
    }

    /// <summary>Processes as /proc shows them: parent, command line.</summary>
    private static class ProcessTree
    {
        public static IReadOnlyList<ChildProcess> OfAppHost(int appHost)
        {
            var parents = new Dictionary<int, int>();
            var commandLines = new Dictionary<int, string>();
            foreach (var directory in Directory.EnumerateDirectories("/proc"))
            {
                if (!int.TryParse(Path.GetFileName(directory), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var pid))
                {
                    continue;
                }
                try
                {
                    // The command name in parentheses may hold spaces and ')': the parent pid is the second field after the last ')'.
                    var stat = File.ReadAllText(Path.Combine(directory, "stat"));
                    parents[pid] = int.Parse(stat[(stat.LastIndexOf(')') + 2)..].Split(' ')[1], System.Globalization.CultureInfo.InvariantCulture);
                    commandLines[pid] = File.ReadAllText(Path.Combine(directory, "cmdline")).Replace('\0', ' ').Trim();
                }
                catch (Exception ex) when (ex is IOException or UnauthorizedAccessException)
                {
                    // Gone while listed.
                }
            }
            var monitor = $"--monitor {appHost.ToString(System.Globalization.CultureInfo.InvariantCulture)}";
            var found = commandLines.Where(c => c.Value.Contains($"{monitor} ", StringComparison.Ordinal) || c.Value.EndsWith(monitor, StringComparison.Ordinal))
                .Select(c => c.Key).Append(appHost).ToHashSet();
            for (var grown = true; grown;)
            {
                grown = false;
                foreach (var (pid, parent) in parents)
                {
                    grown |= found.Contains(parent) && found.Add(pid);
                }
            }
            found.Remove(appHost);
            return [.. found.Order().Select(pid => new ChildProcess(pid, commandLines[pid]))];
        }
    }
}
