using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>Caps against abuse, on an app of its own with small limits.</summary>
public sealed class LimitsTests(ITestOutputHelper output) : OwnAppTest(output)
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
            // A token every 100 s: within a test, a bucket holds exactly its burst.
            builder.CreateResourceBuilder<ProjectResource>("web")
                .WithEnvironment("WebLimits__MaxStreams", "5")
                .WithEnvironment("WebLimits__MaxStreamsPerAddress", "3")
                .WithEnvironment("WebLimits__QuoteBurst", "3")
                .WithEnvironment("WebLimits__QuotesPerSecond", "0.01")
                .WithEnvironment("WebLimits__RetryAfterSeconds", "7");
            builder.CreateResourceBuilder<ProjectResource>("api")
                .WithEnvironment("ApiLimits__QuoteBurst", "4")
                .WithEnvironment("ApiLimits__QuotesPerSecond", "0.01")
                .WithEnvironment("ApiLimits__RetryAfterSeconds", "7");
    }

    [Fact]
    public async Task StreamsOverTheCapsAreToldToRetryInA200EventStream()
    {
        // Straight to one replica: the caps are per gateway process. Two loopback addresses stand for two clients.
        var replica = Replicas.Endpoint(App, Replicas.Of(App, "web")[0], "https");
        using var first = ClientFrom(IPAddress.Parse("127.0.0.1"), replica);
        using var second = ClientFrom(IPAddress.Parse("127.0.0.2"), replica);
        var open = new List<EventStream>();
        for (var i = 0; i < 3; i++)
        {
            open.Add(await EventStream.OpenAsync(first, "/events", Cancellation));
        }

        await AssertToldToRetryAsync(first, "At most 3 open streams per client address");

        open.Add(await EventStream.OpenAsync(second, "/events/show?count=50", Cancellation));
        open.Add(await EventStream.OpenAsync(second, "/events", Cancellation));
        await AssertToldToRetryAsync(second, "maximum of 5 streams");

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
        var replica = Replicas.Endpoint(App, Replicas.Of(App, "web")[0], "https");
        using var web = ClientFrom(IPAddress.Loopback, replica);
        (await web.GetAsync("/health", Cancellation)).Dispose();

        var responses = await Task.WhenAll(Enumerable.Range(0, 10).Select(i =>
            web.PostAsJsonAsync("/quotes", new { text = $"Quote {i} of a burst." }, Cancellation)));

        var accepted = responses.Where(r => r.StatusCode == HttpStatusCode.Created).ToList();
        var refused = responses.Where(r => r.StatusCode != HttpStatusCode.Created).ToList();
        Assert.Equal(3, accepted.Count);
        Assert.NotEmpty(refused);
        foreach (var response in refused)
        {
            await AssertRefusedAsync(response, HttpStatusCode.TooManyRequests, "At most 3 quotes at once");
        }

        using var api = App.CreateHttpClient("api", "http");
        foreach (var response in accepted)
        {
            var id = (await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetInt64();
            Assert.Equal(HttpStatusCode.OK, (await api.GetAsync($"/quotes/{id}", Cancellation)).StatusCode);
            response.Dispose();
        }
    }

    [Fact]
    public async Task QuoteRateLimitIsOneBucketAcrossReplicas()
    {
        // Five quotes to each replica, straight past DCP's proxy: a bucket per replica would take six.
        var clients = Replicas.Of(App, "web").Select(r => ClientFrom(IPAddress.Loopback, Replicas.Endpoint(App, r, "https"))).ToList();
        Assert.Equal(2, clients.Count);

        var responses = await Task.WhenAll(clients.SelectMany(web => Enumerable.Range(0, 5).Select(i =>
            web.PostAsJsonAsync("/quotes", new { text = $"Shared bucket {i}." }, Cancellation))));

        Assert.Equal(3, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        Assert.All(responses.Where(r => r.StatusCode != HttpStatusCode.Created), r => Assert.Equal(HttpStatusCode.TooManyRequests, r.StatusCode));
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task ApisOwnPostQuotesIsRateLimited()
    {
        using var api = App.CreateHttpClient("api", "http");

        var responses = await Task.WhenAll(Enumerable.Range(0, 8).Select(i =>
            api.PostAsJsonAsync("/quotes", new { text = $"Straight to the Api {i}." }, Cancellation)));

        Assert.Equal(4, responses.Count(r => r.StatusCode == HttpStatusCode.Created));
        foreach (var response in responses.Where(r => r.StatusCode != HttpStatusCode.Created))
        {
            await AssertRefusedAsync(response, HttpStatusCode.TooManyRequests, "At most 4 quotes at once");
        }
    }

    /// <summary>
    /// A refused stream is still a 200 event stream (EventSource gives up on anything else): a comment saying why,
    /// a jittered retry:, then the end.
    /// </summary>
    private static async Task AssertToldToRetryAsync(HttpClient client, string reason)
    {
        using var response = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/event-stream", response.Content.Headers.ContentType?.MediaType);
        var body = await response.Content.ReadAsStringAsync(Cancellation).DefaultTimeout();
        var lines = body.Split('\n');
        Assert.StartsWith(": ", lines[0]);
        Assert.Contains(reason, lines[0]);
        var retry = TimeSpan.FromMilliseconds(long.Parse(lines.Single(l => l.StartsWith("retry: ", StringComparison.Ordinal))[7..], System.Globalization.CultureInfo.InvariantCulture));
        Assert.InRange(retry, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        Assert.DoesNotContain(lines, l => l.StartsWith("data:", StringComparison.Ordinal));
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
            var stream = await EventStream.OpenAsync(client, "/events", Cancellation);
            // Admitted streams start with retry: and stay open; a refusal starts with its comment and ends.
            await stream.ReadUntilAsync(r => r.Count > 0, Cancellation);
            if (!stream.Ended)
            {
                return stream;
            }
            await stream.DisposeAsync();
            Assert.True(DateTimeOffset.UtcNow < deadline, "The closed stream's place was never freed.");
            // The gateway frees the place when it sees the reset; nothing announces that, so the client asks again.
            await Task.Delay(100, Cancellation);
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
}
