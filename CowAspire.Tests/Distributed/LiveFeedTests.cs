using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

public class LiveFeedTests(AppFixture fixture, ITestOutputHelper output) : AppTest(fixture, output)
{
    [Fact]
    public async Task LiveFeedSendsRetryAndConsecutiveQuoteIds()
    {
        using var client = Fixture.CreateWebClient();
        await using var live = await EventStream.OpenAsync(client, "/events", Cancellation);

        await live.ReadUntilAsync(_ => live.QuoteIds.Count() >= 3, Cancellation);

        // Streaming:ReconnectDelay (2 s) plus jitter of up to as much again.
        Assert.InRange(live.ReconnectionInterval, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4));
        var ids = live.QuoteIds.ToList();
        Assert.Equal(Enumerable.Range(0, ids.Count).Select(i => ids[0] + i), ids);
    }

    [Fact]
    public async Task EveryStreamGetsItsOwnJitteredRetrySoCutOffClientsDoNotReturnTogether()
    {
        using var client = Fixture.CreateWebClient();
        var streams = await Task.WhenAll(Enumerable.Range(0, 8).Select(_ => EventStream.OpenAsync(client, "/events", Cancellation)));
        await Task.WhenAll(streams.Select(s => s.ReadUntilAsync(_ => s.QuoteIds.Any(), Cancellation)));

        var retries = streams.Select(s => s.ReconnectionInterval).ToList();
        Assert.All(retries, r => Assert.InRange(r, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)));
        Assert.True(retries.Distinct().Count() > 1, $"Every stream was told the same retry: {retries[0]}.");
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
    }

    [Fact]
    public async Task IdleLiveFeedGetsHeartbeatComments()
    {
        using var client = Fixture.CreateWebClient();
        using var response = await client.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));

        // The fixture sets a 1 s heartbeat; comments are invisible to EventSource, so they are read as lines.
        string? line;
        do
        {
            line = await reader.ReadLineAsync(Cancellation).DefaultTimeout();
        }
        while (line is not null && line != ": heartbeat");

        Assert.Equal(": heartbeat", line);
    }

    [Fact]
    public async Task QuotePostedToWebReachesLiveClientsOnBothReplicas()
    {
        var replicaUris = Fixture.WebReplicas.Select(r => Replicas.Endpoint(Fixture.App, r, "https")).ToList();
        Assert.Equal(2, replicaUris.Count);
        var clients = replicaUris.Select(uri => new HttpClient(TestHttp.CreateHandler()) { BaseAddress = uri, DefaultRequestVersion = HttpVersion.Version20 }).ToList();
        var streams = await Task.WhenAll(clients.Select(c => EventStream.OpenAsync(c, "/events", Cancellation)));
        // Each replica has this client subscribed once it has delivered a quote to it.
        await Task.WhenAll(streams.Select(s => s.ReadUntilAsync(_ => s.QuoteIds.Any(), Cancellation)));
        // Short enough for one line of the cow's bubble, so it arrives unbroken.
        var text = $"Moo {Guid.NewGuid():N}";

        using var web = Fixture.CreateWebClient();
        using var posted = await web.PostAsJsonAsync("/quotes", new { text }, Cancellation);

        Assert.Equal(HttpStatusCode.Created, posted.StatusCode);
        var id = (await posted.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("id").GetInt64();
        foreach (var stream in streams)
        {
            await stream.ReadUntilQuoteAsync(id, Cancellation);
            Assert.Contains(text, stream.Received.Single(e => EventStream.IsQuote(e) && EventStream.QuoteId(e.EventId!) == id).Data);
            await stream.DisposeAsync();
        }
        clients.ForEach(c => c.Dispose());
    }

    [Fact]
    public async Task ManyStreamsOverOneHttp2ConnectionAllReceiveTheSameQuotes()
    {
        const int count = 120;
        var connections = 0;
        var handler = TestHttp.CreateHandler();
        handler.ConnectCallback = async (context, token) =>
        {
            Interlocked.Increment(ref connections);
            var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            await socket.ConnectAsync(context.DnsEndPoint, token);
            return new NetworkStream(socket, ownsSocket: true);
        };
        using var client = new HttpClient(handler)
        {
            BaseAddress = Fixture.App.GetEndpoint("web", "https"),
            DefaultRequestVersion = HttpVersion.Version20,
            DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact,
        };

        // The first request opens the connection; the rest are streams on it.
        (await client.GetAsync("/health", Cancellation)).Dispose();
        var streams = await Task.WhenAll(Enumerable.Range(0, count).Select(_ => EventStream.OpenAsync(client, "/events", Cancellation)));
        await Task.WhenAll(streams.Select(s => s.ReadUntilAsync(_ => s.QuoteIds.Any(), Cancellation)));
        var firstShared = streams.Max(s => s.QuoteIds.First());
        var lastShared = firstShared + 3;
        await Task.WhenAll(streams.Select(s => s.ReadUntilQuoteAsync(lastShared, Cancellation)));

        Assert.Equal(1, connections);
        Assert.All(streams, s => Assert.Equal(HttpVersion.Version20, s.Response.Version));
        var expected = Enumerable.Range(0, 4).Select(i => firstShared + i).ToList();
        Assert.All(streams, s => Assert.Equal(expected, s.QuoteIds.SkipWhile(id => id < firstShared).Take(4)));
        foreach (var stream in streams)
        {
            await stream.DisposeAsync();
        }
    }
}
