using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>Caps against abuse, on an app of its own with small limits.</summary>
public sealed class LimitsTests(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ResourceLogSink _logs = new();
    private DistributedApplication _app = null!;

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public async ValueTask InitializeAsync()
    {
        _logs.Attach(output);
        _app = await AppFixture.StartAsync(_logs, Cancellation, builder => builder.CreateResourceBuilder<ProjectResource>("web")
            .WithEnvironment("Limits__MaxStreams", "5")
            .WithEnvironment("Limits__MaxStreamsPerAddress", "3")
            .WithEnvironment("Limits__QuoteBurst", "3")
            .WithEnvironment("Limits__QuotesPerSecond", "1")
            .WithEnvironment("Limits__RetryAfterSeconds", "7"));
    }

    [Fact]
    public async Task StreamsOverTheCapsAreRefusedWithRetryAfter()
    {
        // Straight to one replica: the caps are per gateway process. Two loopback addresses stand for two clients.
        var replica = Replicas.Endpoint(_app, "web-0", "https");
        using var first = ClientFrom(IPAddress.Parse("127.0.0.1"), replica);
        using var second = ClientFrom(IPAddress.Parse("127.0.0.2"), replica);
        var open = new List<EventStream>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await EventStream.OpenAsync(first, "/events", Cancellation));
        }

        await AssertRefusedAsync(await first.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation),
            HttpStatusCode.TooManyRequests, "At most 3 open streams per client address");

        open.Add(await EventStream.OpenAsync(second, "/events/show?count=50", Cancellation));
        open.Add(await EventStream.OpenAsync(second, "/events", Cancellation));
        await AssertRefusedAsync(await second.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation),
            HttpStatusCode.ServiceUnavailable, "maximum of 5 streams");

        await open[0].DisposeAsync();
        await using var again = await RetryUntilAdmittedAsync(first);
        Assert.Equal(HttpStatusCode.OK, again.Response.StatusCode);
        foreach (var stream in open.Skip(1))
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task QuotesOverTheRateLimitAreRefusedWithRetryAfterAndNothingAcceptedIsLost()
    {
        // One replica (the limit is per gateway process), ten quotes at once against a burst of three.
        var replica = Replicas.Endpoint(_app, "web-0", "https");
        using var web = ClientFrom(IPAddress.Loopback, replica);
        (await web.GetAsync("/health", Cancellation)).Dispose();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            web.PostAsJsonAsync("/quotes", new { text = $"Quote {i} of a burst." }, Cancellation)));

        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        // Three at once, and one more for each second the burst took to arrive: at least some are refused.
        Assert.InRange(accepted.Count, 3, 6);
        Assert.NotEmpty(refused);
        foreach (var response in refused)
        {
            await AssertRefusedAsync(response, HttpStatusCode.TooManyRequests, "At most 3 quotes at once");
        }

        using var api = _app.CreateHttpClient("api", "http");
        foreach (var response in accepted)
        {
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/quotes/{id}", Cancellation)).StatusCode);
            response.Dispose();
        }
    }

    private static async Task AssertRefusedAsync(HttpResponseMessage response, HttpStatusCode status, string detail)
    {
        using (response)
        {
            var body = await response.Content.ReadAsStringAsync(Cancellation);
            Assert.True(status == response.StatusCode, $"Expected {status}, got {response.StatusCode}: {body}");
            Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter?.Delta);
            Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
            Assert.Contains(detail, JsonDocument.Parse(body).RootElement.GetProperty("detail").GetString());
        }
    }

    /// <summary>A closed stream frees its place once the server notices the reset; until then a retry is refused.</summary>
    private static async Task<EventStream> RetryUntilAdmittedAsync(HttpClient client)
    {
        var deadline = DateTimeOffset.UtcNow.AddSeconds(30);
        while (true)
        {
            try
            {
                return await EventStream.OpenAsync(client, "/events", Cancellation);
            }
            catch (HttpRequestException) when (DateTimeOffset.UtcNow < deadline)
            {
                // The gateway frees the place when it sees the reset; nothing announces that, so the client asks again.
                await Task.Delay(100, Cancellation);
            }
        }
    }

    private static HttpClient ClientFrom(IPAddress source, Uri baseAddress)
    {
        var handler = TestHttp.CreateHandler();
        handler.ConnectCallback = async (context, token) =>
        {
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            socket.Bind(new IPEndPoint(source, 0));
            await socket.ConnectAsync(context.DnsEndPoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        };
        return new HttpClient(handler) { BaseAddress = baseAddress, DefaultRequestVersion = HttpVersion.Version20 };
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
