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
        var pids = ((string[])["redis", "api", .. Replicas.Of(app, "web")]).Select(id => Replicas.Pid(app, id)!.Value).ToList();
        Assert.Equal(4, pids.Count);
        Assert.All(pids, pid => Assert.True(Wait.IsAlive(pid), $"process {pid} should run before disposal"));

        var stopwatch = Stopwatch.StartNew();
        await app.DisposeAsync();
        output.WriteLine($"Disposed the app in {stopwatch.ElapsedMilliseconds} ms.");

        Assert.All(pids, pid => Assert.False(Wait.IsAlive(pid), $"process {pid} outlived the app"));
    }
}
