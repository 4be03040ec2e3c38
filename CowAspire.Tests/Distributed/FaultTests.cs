using System.Net;
using System.Net.Http.Headers;
using CowAspire.Dashboard;
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
    public async Task KilledReplicaIsRestartedWhileTheFrontDoorServesAndClientsMissNothing()
    {
        var clients = await ConnectClientsAsync(50);
        var app = _fixture.App;
        var oldPid = Replicas.Pid(app, "web-0");

        Replicas.Kill(app, "web-0");
        await app.ResourceNotifications.WaitForResourceAsync("web-0", KnownResourceStates.Exited, Waits.Within());
        for (var i = 0; i < 10; i++)
        {
            using var fresh = _fixture.App.CreateHttpClient("web", "https");
            using var health = await fresh.GetAsync("/health", Cancellation);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        await app.ResourceNotifications.WaitForResourceHealthyAsync("web-0", Waits.Within());

        Assert.NotEqual(oldPid, Replicas.Pid(app, "web-0"));
        Assert.True(Replicas.Restarts(app, "web-0") >= 1);
        await AssertEveryClientGetsEverythingAsync(clients, "after web-0 was killed");
    }

    [Fact]
    public async Task GracefullyStoppedReplicaSendsItsClientsElsewhereAndTheyMissNothing()
    {
        var clients = await ConnectClientsAsync(50);

        var stopped = await _fixture.App.ResourceCommands.ExecuteCommandAsync("web-1", KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(stopped.Success, stopped.ErrorMessage);
        Assert.Equal(KnownResourceStates.Finished, Replicas.Snapshot(_fixture.App, "web-1").State?.Text);
        await AssertEveryClientGetsEverythingAsync(clients, "after web-1 stopped");

        var started = await _fixture.App.ResourceCommands.ExecuteCommandAsync("web-1", KnownResourceCommands.StartCommand, Cancellation);
        Assert.True(started.Success, started.ErrorMessage);
        await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("web-1", Waits.Within());
    }

    [Fact]
    public async Task RedisKilledAndRestartedLosesNoQuoteAndIdsNeverGoBack()
    {
        var clients = await ConnectClientsAsync(20);
        var before = await Quotes.PublishAsync(_fixture.App, "Before Redis went away.", Cancellation);

        Replicas.Kill(_fixture.App, "redis");
        await _fixture.App.ResourceNotifications.WaitForResourceAsync("redis", KnownResourceStates.Exited, Waits.Within());
        await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("redis", Waits.Within());
        await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("api", Waits.Within());
        var after = await Quotes.PublishAsync(_fixture.App, "After Redis came back.", Cancellation);

        Assert.True(after > before, $"Ids went back after the restart: {before} then {after}.");
        await AssertEveryClientGetsEverythingAsync(clients, "after Redis restarted");
    }

    [Fact]
    public async Task RedisStoppedLeavesThePageServingThroughTheFrontDoor()
    {
        var app = _fixture.App;
        var stopped = await app.ResourceCommands.ExecuteCommandAsync("redis", KnownResourceCommands.StopCommand, Cancellation);
        Assert.True(stopped.Success, stopped.ErrorMessage);
        try
        {
            // Health says what is wrong (Redis is away) ...
            await app.ResourceNotifications.WaitForResourceAsync("web",
                e => e.Snapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Unhealthy, Waits.Within());

            // ... but replicas that answer keep their place behind the front door: new connections still get the page.
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
            Assert.True(started.Success, started.ErrorMessage);
            await app.ResourceNotifications.WaitForResourceHealthyAsync("web", Waits.Within());
            await app.ResourceNotifications.WaitForResourceHealthyAsync("api", Waits.Within());
        }
    }

    [Fact]
    public async Task DashboardApiStopsAndStartsAReplicaAndRefusesWithoutTheToken()
    {
        var dashboard = _fixture.App.Services.GetRequiredService<DashboardInfo>();
        using var anonymous = new HttpClient { BaseAddress = new Uri(dashboard.BaseUrl) };
        using var api = new HttpClient { BaseAddress = new Uri(dashboard.BaseUrl) };
        api.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", dashboard.Token);

        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/resources", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.PostAsync("/api/resources/web-1/stop", null, Cancellation)).StatusCode);
        anonymous.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "not-the-token");
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/resources", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, (await anonymous.GetAsync($"/login?t=wrong", Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.NotFound, (await api.PostAsync("/api/resources/nobody/stop", null, Cancellation)).StatusCode);
        Assert.Equal(HttpStatusCode.BadRequest, (await api.PostAsync("/api/resources/web-1/explode", null, Cancellation)).StatusCode);

        using (var foreign = new HttpRequestMessage(HttpMethod.Post, "/api/resources/web-1/stop"))
        {
            // The login cookie alone, from a page on another loopback port: refused, nothing stops.
            foreign.Headers.Add("Cookie", $"cowaspire_dashboard={dashboard.Token}");
            foreign.Headers.Add("Origin", "http://127.0.0.1:1");
            Assert.Equal(HttpStatusCode.Forbidden, (await anonymous.SendAsync(foreign, Cancellation)).StatusCode);
            Assert.Equal(KnownResourceStates.Running, Replicas.Snapshot(_fixture.App, "web-1").State?.Text);
        }

        using var stopped = await api.PostAsync("/api/resources/web-1/stop", null, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, stopped.StatusCode);
        Assert.Contains("\"state\":\"Finished\"", await stopped.Content.ReadAsStringAsync(Cancellation));
        for (var i = 0; i < 6; i++)
        {
            using var fresh = _fixture.App.CreateHttpClient("web", "https");
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/health", Cancellation)).StatusCode);
        }
        Assert.Equal(KnownResourceStates.Running, Replicas.Snapshot(_fixture.App, "web-0").State?.Text);

        using var started = await api.PostAsync("/api/resources/web-1/start", null, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("web-1", Waits.Within());

        var restarts = Replicas.Restarts(_fixture.App, "web-1");
        using var restarted = await api.PostAsync("/api/resources/web-1/restart", null, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, restarted.StatusCode);
        await _fixture.App.ResourceNotifications.WaitForResourceHealthyAsync("web-1", Waits.Within());
        Assert.Equal(restarts + 1, Replicas.Restarts(_fixture.App, "web-1"));

        using var logs = await api.GetAsync("/api/resources/web-1/logs?last=500", Cancellation);
        Assert.Contains("Now listening on", await logs.Content.ReadAsStringAsync(Cancellation));
        Assert.Equal(HttpStatusCode.BadRequest, (await api.GetAsync("/api/resources/web-1/logs?last=0", Cancellation)).StatusCode);
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
        foreach (var (client, index) in clients.Select((c, i) => (c, i)))
        {
            Quotes.AssertConsecutive(client.Ids, $"client {index} {when} ({client.Connections} connections)");
        }
        _output.WriteLine($"{clients.Count} clients, {clients.Sum(c => c.Connections)} connections in all, each received every quote {when}.");
        foreach (var client in clients)
        {
            await client.DisposeAsync();
        }
    }

    public void Dispose() => _logs.Dispose();
}
