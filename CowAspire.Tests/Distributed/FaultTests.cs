using System.Net;
using System.Net.Http.Headers;
using CowAspire.AppHost.Dashboard;
using CowAspire.AppHost.Orchestration;
using CowAspire.AppHost.Testing;
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
        var victim = _fixture.App.Orchestrator.Find("web-0").Single();
        var oldPid = victim.Pid;

        victim.Kill();
        await _fixture.App.WaitForResourceAsync("web-0", s => s.State == ResourceState.Exited, "exited", cancellationToken: Cancellation);
        for (var i = 0; i < 10; i++)
        {
            using var fresh = _fixture.App.CreateHttpClient("web");
            using var health = await fresh.GetAsync("/health", Cancellation);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }
        await _fixture.App.WaitForResourceHealthyAsync("web-0", cancellationToken: Cancellation);

        Assert.NotEqual(oldPid, victim.Pid);
        Assert.True(victim.Restarts >= 1);
        await AssertEveryClientGetsEverythingAsync(clients, "after web-0 was killed");
    }

    [Fact]
    public async Task GracefullyStoppedReplicaSendsItsClientsElsewhereAndTheyMissNothing()
    {
        var clients = await ConnectClientsAsync(50);

        await _fixture.App.Orchestrator.StopResourceAsync("web-1");
        Assert.Equal(ResourceState.Finished, _fixture.App.Orchestrator.Find("web-1").Single().State);
        await AssertEveryClientGetsEverythingAsync(clients, "after web-1 stopped");

        await _fixture.App.Orchestrator.StartResourceAsync("web-1");
        await _fixture.App.WaitForResourceHealthyAsync("web-1", cancellationToken: Cancellation);
    }

    [Fact]
    public async Task RedisKilledAndRestartedLosesNoQuoteAndIdsNeverGoBack()
    {
        var clients = await ConnectClientsAsync(20);
        var before = await Quotes.PublishAsync(_fixture.App, "Before Redis went away.", Cancellation);

        _fixture.App.Orchestrator.Find("redis").Single().Kill();
        await _fixture.App.WaitForResourceAsync("redis", s => s.State == ResourceState.Exited, "exited", cancellationToken: Cancellation);
        await _fixture.App.WaitForResourceHealthyAsync("redis", cancellationToken: Cancellation);
        await _fixture.App.WaitForResourceHealthyAsync("api", cancellationToken: Cancellation);
        var after = await Quotes.PublishAsync(_fixture.App, "After Redis came back.", Cancellation);

        Assert.True(after > before, $"Ids went back after the restart: {before} then {after}.");
        await AssertEveryClientGetsEverythingAsync(clients, "after Redis restarted");
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
            Assert.Equal(ResourceState.Running, _fixture.App.Orchestrator.Find("web-1").Single().State);
        }

        using var stopped = await api.PostAsync("/api/resources/web-1/stop", null, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, stopped.StatusCode);
        Assert.Contains("\"state\":\"Finished\"", await stopped.Content.ReadAsStringAsync(Cancellation));
        for (var i = 0; i < 6; i++)
        {
            using var fresh = _fixture.App.CreateHttpClient("web");
            Assert.Equal(HttpStatusCode.OK, (await fresh.GetAsync("/health", Cancellation)).StatusCode);
        }
        Assert.Equal(ResourceState.Running, _fixture.App.Orchestrator.Find("web-0").Single().State);

        using var started = await api.PostAsync("/api/resources/web-1/start", null, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, started.StatusCode);
        await _fixture.App.WaitForResourceHealthyAsync("web-1", cancellationToken: Cancellation);

        var restarts = _fixture.App.Orchestrator.Find("web-1").Single().Restarts;
        using var restarted = await api.PostAsync("/api/resources/web-1/restart", null, Cancellation);
        Assert.Equal(HttpStatusCode.Accepted, restarted.StatusCode);
        await _fixture.App.WaitForResourceHealthyAsync("web-1", cancellationToken: Cancellation);
        Assert.Equal(restarts + 1, _fixture.App.Orchestrator.Find("web-1").Single().Restarts);

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
