using System.Net;
using CowAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CowAspire.Tests.Distributed;

/// <summary>Replicas and Redis killed, stopped and restarted under streaming clients; nothing may be lost.</summary>
[Collection(FaultCollection.Name)]
public sealed class FaultTests : IDisposable
{
    private static readonly TimeSpan Recovery = TimeSpan.FromSeconds(60);
    private readonly FaultAppFixture _fixture;
    private readonly IDisposable _logs;
    private readonly ITestOutputHelper _output;

    public FaultTests(FaultAppFixture fixture, ITestOutputHelper output)
    {
        _fixture = fixture;
        _output = output;
        _logs = fixture.Logs.Attach(output);
    }

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task KilledReplicaIsRestartedWhileTheProxyServesAndClientsMissNothing()
    {
        var clients = await ConnectClientsAsync(50);
        var app = _fixture.App;
        var first = Replicas.Of(app, "web")[0];
        var oldPid = Replicas.Pid(app, first);

        Replicas.Kill(app, first);
        await app.WaitForStoppedAsync(first);
        for (var i = 0; i < 10; i++)
        {
            using var fresh = _fixture.App.CreateHttpClient("web", "https");
            using var health = await fresh.GetAsync("/health", Cancellation);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        await app.WaitForHealthyAsync(first);

        Assert.NotEqual(oldPid, Replicas.Pid(app, first));
        Assert.True(Replicas.Restarts(app, first) >= 1);
        await AssertEveryClientGetsEverythingAsync(clients, "after a replica was killed");
    }

    [Fact]
    public async Task GracefullyStoppedReplicaSendsItsClientsElsewhereAndTheyMissNothing()
    {
        var clients = await ConnectClientsAsync(50);

        var second = Replicas.Of(_fixture.App, "web")[1];

        var stopped = await _fixture.App.ResourceCommands.ExecuteCommandAsync(second, KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(stopped.Success, stopped.Message);
        await AssertEveryClientGetsEverythingAsync(clients, "after a replica stopped");

        var started = await _fixture.App.ResourceCommands.ExecuteCommandAsync(second, KnownResourceCommands.StartCommand, Cancellation);
        Assert.True(started.Success, started.Message);
        await _fixture.App.WaitForHealthyAsync(second);
    }

    [Fact]
    public async Task RedisKilledAndRestartedLosesNoQuoteAndIdsNeverGoBack()
    {
        var clients = await ConnectClientsAsync(20);
        var before = await Quotes.PublishAsync(_fixture.App, "Before Redis went away.", Cancellation);

        var redis = Replicas.Only(_fixture.App, "redis");
        Replicas.Kill(_fixture.App, redis);
        await _fixture.App.WaitForStoppedAsync(redis);
        await _fixture.App.WaitForHealthyAsync(redis);
        await _fixture.App.WaitForHealthyAsync("api");
        var after = await Quotes.PublishAsync(_fixture.App, "After Redis came back.", Cancellation);

        Assert.True(after > before, $"Ids went back after the restart: {before} then {after}.");
        await AssertEveryClientGetsEverythingAsync(clients, "after Redis restarted");
    }

    [Fact]
    public async Task RedisStoppedLeavesThePageServingThroughDcpsProxy()
    {
        var app = _fixture.App;
        var stopped = await app.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(stopped.Success, stopped.Message);
        try
        {
            // Health says what is wrong (Redis is away) ...
            await app.WaitForHealthAsync("web", Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy);

            // ... but replicas that answer keep their place behind DCP's proxy: new connections still get the page.
            for (var i = 0; i < 6; i++)
            {
                using var fresh = new HttpClient(TestHttp.CreateHandler()) { BaseAddress = app.GetEndpoint("web", "https") };
                using var page = await fresh.GetAsync("/", Cancellation);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
            }
        }
        finally
        {
            var started = await app.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StartCommand, Cancellation);
            Assert.True(started.Success, started.Message);
            await app.WaitForHealthyAsync("web");
            await app.WaitForHealthyAsync("api");
        }
    }

    [Fact]
    public async Task RestartCommandRestartsAReplicaWhileTheOtherServes()
    {
        var app = _fixture.App;
        var second = Replicas.Of(app, "web")[1];
        var oldPid = Replicas.Pid(app, second);

        var restarted = await app.ResourceCommands.ExecuteCommandAsync(second, KnownResourceCommands.RestartCommand, Cancellation);
        Assert.True(restarted.Success, restarted.Message);
        for (var i = 0; i < 6; i++)
        {
            using var fresh = app.CreateHttpClient("web", "https");
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/health", Cancellation)).StatusCode);
        }
        await app.WaitForHealthyAsync(second);
        Assert.NotEqual(oldPid, Replicas.Pid(app, second));
    }

    private async Task<List<ResumingClient>> ConnectClientsAsync(int count)
    {
        var frontDoor = _fixture.App.GetEndpoint("web", "https");
        var clients = Enumerable.Range(0, count).Select(_ => new ResumingClient(frontDoor)).ToList();
        var start = await Quotes.PublishAsync(_fixture.App, "Everyone is listening.", Cancellation);
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(start, Recovery, Cancellation)));
        return clients;
    }

    private async Task AssertEveryClientGetsEverythingAsync(List<ResumingClient> clients, string when)
    {
        var marker = await Quotes.PublishAsync(_fixture.App, $"Still here {when}.", Cancellation);
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(marker, Recovery, Cancellation)));
        var history = await ContentOracle.ReadHistoryAsync(_fixture.App, Cancellation);
        foreach (var (client, index) in clients.Select((c, i) => (c, i)))
        {
            ContentOracle.AssertDeliveredAsPublished(client, history, $"client {index} {when} ({client.Connections} connections)");
        }
        _output.WriteLine($"{clients.Count} clients, {clients.Sum(c => c.Connections)} connections in all, each received every quote {when}.");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    public void Dispose() => _logs.Dispose();
}
