using System.Net;
using CowAspire.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace CowAspire.Tests.Distributed;

/// <summary>Replicas and Redis killed, stopped and restarted under streaming clients; nothing may be lost.</summary>
[Collection(FaultCollection.Name)]
public sealed class FaultTests(FaultAppFixture fixture, ITestOutputHelper output) : FixtureTest<FaultAppFixture>(fixture, output)
{
    [Fact]
    public async Task KilledReplicaIsRestartedWhileTheProxyServesAndClientsMissNothing()
    {
        var clients = await ConnectClientsAsync(50);
        var app = Fixture.App;
        var first = Replicas.Of(app, "web")[0];
        var oldPid = Replicas.Pid(app, first);

        Replicas.Kill(app, first);
        await app.WaitForStoppedAsync(first);
        for (var i = 0; i < 10; i++)
        {
            using var fresh = Fixture.App.CreateHttpClient("web", "https");
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

        var second = Replicas.Of(Fixture.App, "web")[1];

        await Fixture.App.StopResourceAsync(second, Cancellation);
        await AssertEveryClientGetsEverythingAsync(clients, "after a replica stopped");

        await Fixture.App.StartResourceAsync(second, Cancellation);
        await Fixture.App.WaitForHealthyAsync(second);
    }

    [Fact]
    public async Task RedisKilledAndRestartedLosesNoQuoteAndIdsNeverGoBack()
    {
        var clients = await ConnectClientsAsync(20);
        var before = await Quotes.PublishAsync(Fixture.App, "Before Redis went away.", Cancellation);

        var redis = Replicas.Only(Fixture.App, "redis");
        Replicas.Kill(Fixture.App, redis);
        await Fixture.App.WaitForStoppedAsync(redis);
        await Fixture.App.WaitForHealthyAsync(redis);
        await Fixture.App.WaitForHealthyAsync("api");
        var after = await Quotes.PublishAsync(Fixture.App, "After Redis came back.", Cancellation);

        Assert.True(after > before, $"Ids went back after the restart: {before} then {after}.");
        await AssertEveryClientGetsEverythingAsync(clients, "after Redis restarted");
    }

    [Fact]
    public async Task RedisStoppedLeavesThePageServingThroughDcpsProxy()
    {
        var app = Fixture.App;
        await app.StopResourceAsync("redis", Cancellation);
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
            await app.StartResourceAsync("redis", Cancellation);
            await app.WaitForHealthyAsync("web");
            await app.WaitForHealthyAsync("api");
        }
    }

    [Fact]
    public async Task RestartCommandRestartsAReplicaWhileTheOtherServes()
    {
        var app = Fixture.App;
        var second = Replicas.Of(app, "web")[1];
        var oldPid = Replicas.Pid(app, second);

        await app.RestartResourceAsync(second, Cancellation);
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
        var frontDoor = Fixture.App.GetEndpoint("web", "https");
        var clients = Enumerable.Range(0, count).Select(_ => new ResumingClient(frontDoor)).ToList();
        var start = await Quotes.PublishAsync(Fixture.App, "Everyone is listening.", Cancellation);
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(start, TestConstants.LongTimeout, Cancellation)));
        return clients;
    }

    private async Task AssertEveryClientGetsEverythingAsync(List<ResumingClient> clients, string when)
    {
        var marker = await Quotes.PublishAsync(Fixture.App, $"Still here {when}.", Cancellation);
        await Task.WhenAll(clients.Select(c => c.WaitForIdAsync(marker, TestConstants.LongTimeout, Cancellation)));
        var delivered = clients.Select(c => c.Delivered).ToList();
        var history = await ContentOracle.ReadHistoryAsync(Fixture.App, Cancellation);
        foreach (var (client, index) in clients.Select((c, i) => (c, i)))
        {
            ContentOracle.AssertDeliveredAsPublished(delivered[index], history, $"client {index} {when} ({client.Connections} connections)");
        }
        Output.WriteLine($"{clients.Count} clients, {clients.Sum(c => c.Connections)} connections in all, each received every quote {when}.");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }
}
