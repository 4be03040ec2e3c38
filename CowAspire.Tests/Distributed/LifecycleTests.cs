using System.Diagnostics;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>Tests that start an app of their own, because they end it.</summary>
public class LifecycleTests(ITestOutputHelper output)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task DisposingTheAppLeavesNoChildProcess()
    {
        var logs = new ResourceLogSink();
        using var attached = logs.Attach(output);
        var app = await AppFixture.StartAsync(logs, Cancellation);
        string[] instances = ["redis", "api", .. Replicas.Of(app, "web")];
        // Every process DCP started for an instance (executable.pid: the service itself, or the dotnet run wrapper a
        // project runs under when it is not started as its built executable) and the process that serves under it.
        var started = instances.Select(id => (Id: id, Pid: (int)Replicas.Snapshot(app, id).Properties.Single(p => p.Name == "executable.pid").Value!)).ToList();
        var services = instances.Select(id => (Id: id, Pid: Replicas.Pid(app, id)!.Value)).ToList();
        Assert.All(services.Where(s => s.Id != "redis"), service => Assert.Contains("/bin/", CommandLine(service.Pid), StringComparison.Ordinal));
        Assert.StartsWith("redis-server", CommandLine(services.Single(s => s.Id == "redis").Pid), StringComparison.Ordinal);
        Assert.All(started.Where(s => CommandLine(s.Pid).StartsWith("dotnet run", StringComparison.Ordinal)),
            wrapper => Assert.NotEqual(wrapper.Pid, services.Single(s => s.Id == wrapper.Id).Pid));
        var pids = started.Concat(services).Distinct().ToList();
        Assert.Equal(4, services.Count);
        Assert.All(pids, p => Assert.True(Processes.IsAlive(p.Pid), $"{p.Id}'s process {p.Pid} should run before disposal"));
        foreach (var (id, pid) in pids)
        {
            output.WriteLine($"{id}: {pid} {CommandLine(pid)}");
        }

        var stopwatch = Stopwatch.StartNew();
        await app.DisposeAsync();
        output.WriteLine($"Disposed the app in {stopwatch.ElapsedMilliseconds} ms.");

        Assert.All(pids, p => Assert.False(Processes.IsAlive(p.Pid), $"{p.Id}'s process {p.Pid} ({CommandLine(p.Pid)}) outlived the app"));
    }

    /// <summary>The process's command line as ps shows it; empty once it is gone.</summary>
    private static string CommandLine(int pid)
    {
        try
        {
            return File.ReadAllText($"/proc/{pid}/cmdline").Replace('\0', ' ').Trim();
        }
        catch (IOException)
        {
            return "";
        }
    }
}
