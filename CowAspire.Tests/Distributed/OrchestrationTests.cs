using CowAspire.AppHost.Hosting;
using CowAspire.AppHost.Orchestration;
using CowAspire.AppHost.Testing;
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
            app.WaitForResourceHealthyAsync("crasher", cancellationToken: Cancellation));

        output.WriteLine(error.Message);
        Assert.Contains("'crasher'", error.Message);
        Assert.Contains("FailedToStart", error.Message);
        Assert.Contains("moo: the cow fell over", error.Message);
        var crasher = app.Orchestrator.Find("crasher").Single();
        Assert.Equal(ResourceInstance.MaxCrashes - 1, crasher.Restarts);
        Assert.Equal(3, crasher.ExitCode);

        // Started again on request (after a fix, say), it runs again rather than staying given up.
        await app.Orchestrator.StartResourceAsync("crasher");
        await app.WaitForResourceAsync("crasher", s => s.State != ResourceState.FailedToStart, "started again", cancellationToken: Cancellation);
    }

    [Fact]
    public async Task WaitForAnUnknownResourceFailsAtOnceNamingTheKnownOnes()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        builder.AddExecutable("sleeper", "sleep", Path.GetTempPath(), "600");
        await using var app = await StartAsync(builder);

        var error = await Assert.ThrowsAsync<InvalidOperationException>(() =>
            app.WaitForResourceHealthyAsync("nobody", cancellationToken: Cancellation));

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

        var error = await Assert.ThrowsAsync<TimeoutException>(() =>
            app.WaitForResourceHealthyAsync("mute", TimeSpan.FromSeconds(3), Cancellation));

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

        await app.WaitForResourceAsync("first", s => s.State == ResourceState.Running, "running", cancellationToken: Cancellation);
        await app.WaitForResourceAsync("second", s => s.State == ResourceState.Waiting, "waiting", cancellationToken: Cancellation);

        Assert.Null(app.Orchestrator.Find("second").Single().Pid);
        Assert.Contains("first", app.Orchestrator.Find("second").Single().Message);
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

        Assert.Throws<InvalidOperationException>(() => builder.AddExecutable("Cow", "sleep", Path.GetTempPath(), "1"));
    }

    private async Task<DistributedApplication> StartAsync(DistributedApplicationBuilder builder)
    {
        var app = builder.Build();
        var logs = new ResourceLogSink();
        logs.Attach(output);
        app.Orchestrator.LogWritten += logs.Write;
        await app.StartAsync(Cancellation);
        return app;
    }
}
