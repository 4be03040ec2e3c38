using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using CowAspire.Tests.Infrastructure;
using StackExchange.Redis;

namespace CowAspire.Tests.Distributed;

/// <summary>
/// Redis away or full: the site stays up (page, liveness, open streams) and only quotes are refused, with a 503
/// that says why, until Redis is back. Replicas and the Api are asked directly, past DCP's proxies: those route
/// on /health (which includes Redis) and so stop sending anything to a service while Redis is away or full.
/// </summary>
[Collection(FaultCollection.Name)]
public sealed class RedisOutageTests(FaultAppFixture fixture, ITestOutputHelper output) : FixtureTest<FaultAppFixture>(fixture, output)
{
    [Fact]
    public async Task WithRedisStoppedThePageAndOpenStreamsStayUpAndQuotesGet503UntilItReturns()
    {
        await WaitUntilEverythingIsHealthyAsync();
        var replicas = Replicas.Endpoints(Fixture.App, "web", "https").Select(Client).ToList();
        using var disposeReplicas = new Disposables(replicas);
        Assert.Equal(2, replicas.Count);
        using var api = Client(Replicas.Endpoints(Fixture.App, "api", "http").Single());
        using var streamResponse = await replicas[0].GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var stream = new StreamReader(await streamResponse.Content.ReadAsStreamAsync(Cancellation));
        await ReadLineAsync(stream, ": heartbeat");

        await Fixture.App.StopResourceAsync("redis", Cancellation);
        try
        {
            foreach (var replica in replicas)
            {
                using var page = await replica.GetAsync("/", Cancellation);
                Assert.Equal(HttpStatusCode.OK, page.StatusCode);
                Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
                Assert.Equal("Healthy", await replica.GetStringAsync("/alive", Cancellation));
                using var health = await replica.GetAsync("/health", Cancellation);
                Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
                Assert.Contains("redis:", await health.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);

                // The gateway relays the Api's refusal, or, once the Api's proxy has dropped it, refuses itself.
                using var refused = await replica.PostAsJsonAsync("/quotes", new { text = "Nobody is keeping count." }, Cancellation);
                await AssertUnavailableAsync(refused, "so the quote was not accepted");
            }
            using (var refusedByApi = await api.PostAsJsonAsync("/quotes", new { text = "Nobody is keeping count." }, Cancellation))
            {
                await AssertUnavailableAsync(refusedByApi, "Redis is unavailable, so the quote was not accepted");
            }
            Assert.Equal("Healthy", await api.GetStringAsync("/alive", Cancellation));
            // The stream opened before Redis left is still open: its heartbeats keep coming.
            await ReadLineAsync(stream, ": heartbeat");
            await ReadLineAsync(stream, ": heartbeat");
        }
        finally
        {
            await Fixture.App.StartResourceAsync("redis", Cancellation);
            await Fixture.App.WaitForHealthyAsync("redis");
            await WaitUntilEverythingIsHealthyAsync();
        }

        var id = await PostUntilAcceptedAsync(replicas[1], "Redis is back and so am I.");
        await ReadLineAsync(stream, $"id: {id}-");
    }

    [Fact]
    public async Task RedisOutOfMemoryRefusesQuotesSayingSoAndHealthSaysWhy()
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(await Fixture.App.GetConnectionStringAsync("redis", Cancellation) + ",allowAdmin=true");
        var server = redis.GetServer(redis.GetEndPoints().Single());
        await WaitUntilEverythingIsHealthyAsync();
        using var api = Client(Replicas.Endpoints(Fixture.App, "api", "http").Single());
        using var replica = Client(Replicas.Endpoints(Fixture.App, "web", "https")[0]);

        await server.ConfigSetAsync("maxmemory", "1");
        try
        {
            using var refused = await api.PostAsJsonAsync("/quotes", new { text = "No room at the inn." }, Cancellation);
            await AssertUnavailableAsync(refused, "out of memory");
            using var relayed = await replica.PostAsJsonAsync("/quotes", new { text = "No room at the inn." }, Cancellation);
            await AssertUnavailableAsync(relayed, "so the quote was not accepted");

            using var health = await api.GetAsync("/health", Cancellation);
            Assert.Equal(HttpStatusCode.ServiceUnavailable, health.StatusCode);
            Assert.Contains("Redis is out of memory", await health.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
            // Reads still work: the page and liveness do not depend on room to write.
            Assert.Equal("Healthy", await replica.GetStringAsync("/alive", Cancellation));
        }
        finally
        {
            await server.ConfigSetAsync("maxmemory", "0");
            await WaitUntilEverythingIsHealthyAsync();
        }

        using var accepted = await api.PostAsJsonAsync("/quotes", new { text = "Room again." }, Cancellation);
        Assert.Equal(HttpStatusCode.Created, accepted.StatusCode);
    }

    /// <summary>Other tests of the collection may just have killed something; and these must leave all as they found it.</summary>
    private async Task WaitUntilEverythingIsHealthyAsync()
    {
        foreach (var resource in new[] { "redis", "api", "web" })
        {
            await Fixture.App.WaitForHealthyAsync(resource);
        }
    }

    private static HttpClient Client(Uri replica) =>
        new(TestHttp.CreateHandler()) { BaseAddress = replica, DefaultRequestVersion = HttpVersion.Version20 };

    /// <summary>Reads lines of the stream until one is <paramref name="expected"/>; fails if the stream ends or stalls.</summary>
    /// <summary>Reads lines until one starts with <paramref name="expected"/>.</summary>
    private static async Task ReadLineAsync(StreamReader stream, string expected)
    {
        string? line;
        do
        {
            line = await stream.ReadLineAsync(Cancellation).DefaultTimeout();
        }
        while (line is not null && !line.StartsWith(expected, StringComparison.Ordinal));
        Assert.True(line is not null, $"The stream ended before '{expected}'.");
    }

    /// <summary>Posts as a well-behaved client does: after a 503 it waits its Retry-After and tries again.</summary>
    private static async Task<long> PostUntilAcceptedAsync(HttpClient client, string text)
    {
        var deadline = DateTimeOffset.UtcNow + TestConstants.LongTimeout;
        while (true)
        {
            using var response = await client.PostAsJsonAsync("/quotes", new { text }, Cancellation);
            if (response.StatusCode == HttpStatusCode.ServiceUnavailable && DateTimeOffset.UtcNow < deadline)
            {
                // The wait the answer's Retry-After asks for, as a well-behaved client keeps it; the deadline bounds the loop.
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), Cancellation);
                continue;
            }
            Assert.True(response.StatusCode == HttpStatusCode.Created, $"POST answered {(int)response.StatusCode}: {await response.Content.ReadAsStringAsync(Cancellation)}");
            return (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetInt64();
        }
    }

    private static async Task AssertUnavailableAsync(HttpResponseMessage response, string detail)
    {
        var body = await response.Content.ReadAsStringAsync(Cancellation);
        Assert.True(response.StatusCode == HttpStatusCode.ServiceUnavailable, $"Expected 503, got {(int)response.StatusCode}: {body}");
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.NotNull(response.Headers.RetryAfter);
        Assert.Contains(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString(), StringComparison.Ordinal);
    }

    private sealed class Disposables(IEnumerable<IDisposable> items) : IDisposable
    {
        public void Dispose()
        {
            foreach (var item in items)
            {
                item.Dispose();
            }
        }
    }
}
