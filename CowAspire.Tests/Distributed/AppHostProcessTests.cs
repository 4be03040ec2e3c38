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
    private static readonly TimeSpan StartTimeout = TimeSpan.FromSeconds(90);
    private static readonly TimeSpan StopTimeout = TimeSpan.FromSeconds(20);

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CtrlCStopsEveryResourceAndLeavesNoProcess()
    {
        using var appHost = await StartAppHostAsync();
        var pids = await ChildPidsAsync(appHost);

        var clock = Stopwatch.StartNew();
        using (var interrupt = Process.Start("kill", ["-INT", appHost.Process.Id.ToString(System.Globalization.CultureInfo.InvariantCulture)]))
        {
            await interrupt.WaitForExitAsync(Cancellation);
        }
        await appHost.Process.WaitForExitAsync(Cancellation).WaitAsync(StopTimeout, Cancellation);
        output.WriteLine($"The AppHost exited {clock.ElapsedMilliseconds} ms after SIGINT, with code {appHost.Process.ExitCode}.");

        Assert.Equal(0, appHost.Process.ExitCode);
        Assert.All(pids, pid => Assert.False(Wait.IsAlive(pid), $"process {pid} outlived the AppHost"));
    }

    [Fact]
    public async Task KilledAppHostLeavesNoProcess()
    {
        using var appHost = await StartAppHostAsync();
        var pids = await ChildPidsAsync(appHost);

        appHost.Process.Kill();
        await appHost.Process.WaitForExitAsync(Cancellation);

        // The children learn of it from the kernel (parent-death signal), not from the AppHost.
        await Wait.UntilAsync(() => pids.All(pid => !Wait.IsAlive(pid)), StopTimeout,
            $"every child of the killed AppHost ({string.Join(", ", pids)}) has exited", Cancellation);
    }

    [Fact]
    public async Task TakenDashboardPortFailsTheStartInOneLineWithExitCodeOne()
    {
        using var squatter = Squat(out var port);
        await AssertStartFailsAsync($"{port}", AppHostStartInfo("DcpPublisher:RandomizePorts=true", $"Dashboard:Port={port}"));
    }

    [Fact]
    public async Task TakenWebPortFailsTheStartInOneLineWithExitCodeOne()
    {
        using var squatter = Squat(out var port);
        await AssertStartFailsAsync($"Ports:web:https", AppHostStartInfo("DcpPublisher:RandomizePorts=true", "Dashboard:Port=0", $"Ports:web:https={port}"));
    }

    [Fact]
    public async Task MissingRedisCommandFailsTheStartInOneLineWithExitCodeOne() =>
        await AssertStartFailsAsync("'/nonexistent' was not found",
            AppHostStartInfo("DcpPublisher:RandomizePorts=true", "Dashboard:Port=0", "Redis:Command=/nonexistent"));

    [Fact]
    public async Task MissingDevelopmentCertificateFailsTheStartNamingTheFix()
    {
        var home = Directory.CreateTempSubdirectory("cowaspire-home-");
        try
        {
            var info = AppHostStartInfo("DcpPublisher:RandomizePorts=true", "Dashboard:Port=0");
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
    public async Task ConnectionFloodPastTheDescriptorLimitLeavesEveryResourceRunningAndThePageServing()
    {
        // The AppHost gets a small open-file limit of its own, so a flood past it stays within this test's own limit.
        const int openFiles = 1536;
        using var appHost = await StartAppHostAsync(openFiles);
        var pids = await ChildPidsAsync(appHost);
        var flood = new List<System.Net.Sockets.Socket>();
        try
        {
            for (var i = 0; i < openFiles + 500; i++)
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
            Assert.False(appHost.Process.HasExited, "The AppHost died of the flood.");
            Assert.All(pids, pid => Assert.True(Wait.IsAlive(pid), $"process {pid} died of the flood"));

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
        Assert.All(pids, pid => Assert.True(Wait.IsAlive(pid)));
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

    /// <summary>The AppHost ends within seconds, exit code 1, with one line naming <paramref name="cause"/> and no stack trace.</summary>
    private async Task AssertStartFailsAsync(string cause, ProcessStartInfo info)
    {
        var lines = new System.Collections.Concurrent.ConcurrentQueue<string>();
        using var process = Process.Start(info)!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) lines.Enqueue(e.Data); };
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        try
        {
            await process.WaitForExitAsync(Cancellation).WaitAsync(StartTimeout, Cancellation);
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
            Log(line);
        }

        Assert.Equal(1, process.ExitCode);
        var failure = Assert.Single(lines, line => line.StartsWith("CowAspire could not start:", StringComparison.Ordinal));
        Assert.Contains(cause, failure, StringComparison.Ordinal);
        Assert.DoesNotContain(lines, line => line.Contains("Unhandled exception", StringComparison.Ordinal) || line.TrimStart().StartsWith("at ", StringComparison.Ordinal));
    }

    private static ProcessStartInfo AppHostStartInfo(params string[] arguments) => AppHostStartInfo(openFiles: null, arguments);

    /// <param name="openFiles">An open-file limit for the AppHost (and so its children), set with prlimit.</param>
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
        return info;
    }

    private async Task<RunningAppHost> StartAppHostAsync(int? openFiles = null)
    {
        var process = Process.Start(AppHostStartInfo(openFiles, "DcpPublisher:RandomizePorts=true", "Dashboard:Port=0"))!;
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
            var line = await ready.Task.WaitAsync(StartTimeout, Cancellation);
            output.WriteLine($"Ready {clock.ElapsedMilliseconds} ms after the AppHost process started.");
            return new RunningAppHost(process, new Uri(line.Groups["web"].Value), new Uri(line.Groups["dashboard"].Value), line.Groups["token"].Value);
        }
        catch
        {
            process.Kill(entireProcessTree: true);
            process.Dispose();
            throw;
        }
    }

    private static async Task<IReadOnlyList<int>> ChildPidsAsync(RunningAppHost appHost)
    {
        using var dashboard = new HttpClient { BaseAddress = appHost.Dashboard };
        dashboard.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", appHost.Token);
        var resources = await dashboard.GetFromJsonAsync<JsonElement>("/api/resources", Cancellation);
        var pids = resources.EnumerateArray().Select(r => r.GetProperty("pid").GetInt32()).ToList();
        Assert.Equal(4, pids.Count);
        Assert.All(pids, pid => Assert.True(Wait.IsAlive(pid)));
        return pids;
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
            if (!Process.HasExited)
            {
                Process.Kill(entireProcessTree: true);
            }
            Process.Dispose();
        }
    }
}
