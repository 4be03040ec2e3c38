using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>The orchestrator on small models of its own: executables that crash, hang or wait.</summary>
public class OrchestrationTests(ITestOutputHelper output)
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task CrashLoopingExecutableEndsFailedToStartWithItsOutputInTheError()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        // A service that dies while starting: its health endpoint never answers.
        builder.AddExecutable("crasher", "sh", Path.GetTempPath(), "-c", "echo 'moo: the cow fell over' >&2; exit 3")
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/health");
        await using var app = await StartAsync(builder);

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() =>
            app.ResourceNotifications.WaitForResourceHealthyAsync("crasher", Waits.Within()));

        output.WriteLine(error.Message);
        Assert.Contains("'crasher'", error.Message);
        Assert.Contains("FailedToStart", error.Message);
        Assert.Contains("moo: the cow fell over", error.Message);
        Assert.Equal(MaxCrashes - 1, Replicas.Restarts(app, "crasher"));
        Assert.Equal(3, Replicas.Snapshot(app, "crasher").ExitCode);

        // Started again on request (after a fix, say), it runs again rather than staying given up.
        var started = await app.ResourceCommands.ExecuteCommandAsync("crasher", KnownResourceCommands.StartCommand, Cancellation);
        Assert.True(started.Success, started.ErrorMessage);
        await app.ResourceNotifications.WaitForResourceAsync("crasher", e => e.Snapshot.State?.Text != KnownResourceStates.FailedToStart, Waits.Within());
    }

    [Fact]
    public async Task WaitForAnUnknownResourceFailsAtOnceNamingTheKnownOnes()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("sleeper", "sleep", Path.GetTempPath(), "600");
        await using var app = await StartAsync(builder);

        var error = await Assert.ThrowsAsync<DistributedApplicationException>(() =>
            app.ResourceNotifications.WaitForResourceHealthyAsync("nobody", Waits.Within()));

        Assert.Contains("'nobody'", error.Message);
        Assert.Contains("sleeper", error.Message);
    }

    [Fact]
    public async Task HealthCheckThatNeverPassesTimesOutWithStateAndLogs()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("mute", "sh", Path.GetTempPath(), "-c", "echo 'listening on nothing'; exec sleep 600")
            .WithHttpEndpoint(name: "http")
            .WithHttpHealthCheck("/health");
        await using var app = await StartAsync(builder);

        var error = await Assert.ThrowsAsync<OperationCanceledException>(() =>
            app.ResourceNotifications.WaitForResourceHealthyAsync("mute", Waits.Within(TimeSpan.FromSeconds(3))));

        output.WriteLine(error.Message);
        Assert.Contains("'mute'", error.Message);
        Assert.Contains("state Running, health Unhealthy", error.Message);
        Assert.Contains("listening on nothing", error.Message);
    }

    [Fact]
    public async Task ResourceWaitsUntilWhatItWaitsForIsHealthy()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var first = builder.AddExecutable("first", "sleep", Path.GetTempPath(), "600")
            .WithHttpEndpoint(name: "http").WithHttpHealthCheck("/health");
        builder.AddExecutable("second", "sleep", Path.GetTempPath(), "600").WaitFor(first);
        await using var app = await StartAsync(builder);

        await app.ResourceNotifications.WaitForResourceAsync("first", KnownResourceStates.Running, Waits.Within());
        await app.ResourceNotifications.WaitForResourceAsync("second", KnownResourceStates.Waiting, Waits.Within());

        Assert.Null(Replicas.Pid(app, "second"));
        Assert.Contains("first", Replicas.Message(app, "second"));
    }

    [Theory]
    [InlineData("")]
    [InlineData("1web")]
    [InlineData("web_1")]
    [InlineData("web-")]
    [InlineData("we--b")]
    public void InvalidResourceNamesAreRefused(string name)
    {
        var builder = DistributedApplicationTestingBuilder.Create();

        var error = Assert.Throws<ArgumentException>(() => builder.AddExecutable(name, "sleep", Path.GetTempPath(), "1"));
        Assert.Contains("is invalid", error.Message);
    }

    [Fact]
    public void DuplicateResourceNamesAreRefused()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("cow", "sleep", Path.GetTempPath(), "1");

        Assert.Throws<DistributedApplicationException>(() => builder.AddExecutable("Cow", "sleep", Path.GetTempPath(), "1"));
    }

    /// <summary>The orchestrator's limit: crashes in a row, each soon after a start, after which it stops restarting.</summary>
    private const int MaxCrashes = 5;

    private async Task<DistributedApplication> StartAsync(IDistributedApplicationTestingBuilder builder)
    {
        var logs = new ResourceLogSink();
        logs.Attach(output);
        logs.AddTo(builder.Services);
        var app = await builder.BuildAsync(Cancellation);
        await app.StartAsync(Cancellation);
        return app;
    }
}
