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
        using var squatter = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((System.Net.IPEndPoint)squatter.LocalEndpoint).Port;
        var output = new System.Collections.Concurrent.ConcurrentQueue<string>();

        using var process = Process.Start(AppHostStartInfo("DcpPublisher:RandomizePorts=true", $"Dashboard:Port={port}"))!;
        process.OutputDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
        process.ErrorDataReceived += (_, e) => { if (e.Data is not null) output.Enqueue(e.Data); };
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

        Assert.Equal(1, process.ExitCode);
        Assert.Contains(output, line => line.StartsWith("CowAspire could not start:", StringComparison.Ordinal) && line.Contains($"{port}", StringComparison.Ordinal));
        Assert.DoesNotContain(output, line => line.Contains("Unhandled exception", StringComparison.Ordinal));
    }

    private static ProcessStartInfo AppHostStartInfo(params string[] arguments)
    {
        var configuration = Path.GetFileName(Path.GetDirectoryName(Path.TrimEndingDirectorySeparator(AppContext.BaseDirectory)))!;
        var projectDirectory = Projects.CowAspire_AppHost.ProjectPath;
        var info = new ProcessStartInfo("dotnet")
        {
            WorkingDirectory = projectDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
        };
        info.ArgumentList.Add(Path.Combine(projectDirectory, "bin", configuration, "net10.0", "CowAspire.AppHost.dll"));
        foreach (var argument in arguments)
        {
            info.ArgumentList.Add(argument);
        }
        info.Environment["NO_COLOR"] = "1";
        return info;
    }

    private async Task<RunningAppHost> StartAppHostAsync()
    {
        var process = Process.Start(AppHostStartInfo("DcpPublisher:RandomizePorts=true", "Dashboard:Port=0"))!;
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
            return new RunningAppHost(process, new Uri(line.Groups["dashboard"].Value), line.Groups["token"].Value);
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

    [GeneratedRegex(@"^CowAspire ready: web=https://127\.0\.0\.1:\d+ dashboard=(?<dashboard>http://127\.0\.0\.1:\d+)/login\?t=(?<token>[0-9a-f]+)$")]
    private static partial Regex ReadyLine();

    private sealed record RunningAppHost(Process Process, Uri Dashboard, string Token) : IDisposable
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
