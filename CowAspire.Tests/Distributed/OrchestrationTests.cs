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

    [Fact]
    public async Task ResourceWaitingForCompletionStartsOnlyAfterItsDependencyExitedWithZero()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var migration = builder.AddExecutable("migration", "sh", Path.GetTempPath(), "-c", "echo migrated; exit 0");
        var failing = builder.AddExecutable("broken-migration", "sh", Path.GetTempPath(), "-c", "echo 'no database'; exit 2");
        builder.AddExecutable("service", "sleep", Path.GetTempPath(), "600").WaitForCompletion(migration);
        builder.AddExecutable("stuck", "sleep", Path.GetTempPath(), "600").WaitForCompletion(failing);
        await using var app = await StartAsync(builder);

        await app.ResourceNotifications.WaitForResourceAsync("service", KnownResourceStates.Running, Waits.Within());
        var migrated = Replicas.Snapshot(app, "migration");
        Assert.Equal((KnownResourceStates.Finished, 0, 0), (migrated.State?.Text, migrated.ExitCode, Replicas.Restarts(app, "migration")));

        // A dependency that exits with another code never lets its dependant start, and says so.
        await app.ResourceNotifications.WaitForResourceAsync("stuck", KnownResourceStates.FailedToStart, Waits.Within());
        Assert.Null(Replicas.Pid(app, "stuck"));
        Assert.Contains("broken-migration", Replicas.Message(app, "stuck"));
    }

    [Fact]
    public async Task ReferencesReachTheProcessAsAspiresEnvironmentVariables()
    {
        var builder = DistributedApplicationTestingBuilder.Create();
        var redis = builder.AddRedis("redis");
        var service = builder.AddExecutable("svc", "sleep", Path.GetTempPath(), "600").WithHttpEndpoint(name: "http");
        builder.AddExecutable("printer", "sh", Path.GetTempPath(), "-c", "env | sort; echo env-done; exec sleep 600")
            .WithReference(redis)
            .WithReference(service.GetEndpoint("http"))
            .WithEnvironment("GREETING", "moo")
            .WaitFor(redis);
        await using var app = await StartAsync(builder);
        await app.ResourceNotifications.WaitForResourceAsync("printer", KnownResourceStates.Running, Waits.Within());

        var connectionString = await app.GetConnectionStringAsync("redis", Cancellation);
        var serviceUrl = app.GetEndpoint("svc", "http").ToString().TrimEnd('/');
        var lines = await LogLinesAsync(app, "printer", "env-done");
        Assert.Contains("GREETING=moo", lines);
        Assert.Contains($"ConnectionStrings__redis={connectionString}", lines);
        Assert.Contains($"services__svc__http__0={serviceUrl}", lines);
        Assert.Contains($"SVC_HTTP={serviceUrl}", lines);
        Assert.Contains("OTEL_SERVICE_NAME=printer", lines);
        Assert.Contains("OTEL_RESOURCE_ATTRIBUTES=service.instance.id=printer", lines);
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

    /// <summary>The resource's console output once a line with <paramref name="last"/> has appeared.</summary>
    private static async Task<List<string>> LogLinesAsync(DistributedApplication app, string resource, string last)
    {
        var lines = new List<string>();
        await foreach (var batch in app.Services.GetRequiredService<ResourceLoggerService>().WatchAsync(resource).WithCancellation(Waits.Within()))
        {
            lines.AddRange(batch.Select(l => l.Content));
            if (lines.Contains(last))
            {
                return lines;
            }
        }
        return lines;
    }

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
