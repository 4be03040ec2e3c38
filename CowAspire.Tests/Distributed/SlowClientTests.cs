using System.Diagnostics;
using System.Net;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>A client that stops reading, beside one that reads, on an app publishing 100 quotes a second.</summary>
public sealed class SlowClientTests(ITestOutputHelper output) : OwnAppTest(output)
{
    private const int QueueCapacity = 64;

    /// <summary>
    /// The bound stated for the gateway: its resident memory with a stalled client stays under this. A client's
    /// queue holds at most 64 frames of ~1 KB and Kestrel at most 64 KiB of unsent response per stream; the rest is
    /// the runtime's own, whatever the client does.
    /// </summary>
    private const long MemoryBoundBytes = 300L * 1024 * 1024;

    protected override void Configure(IDistributedApplicationTestingBuilder builder)
    {
        builder.CreateResourceBuilder<ProjectResource>("api").WithEnvironment("Quotes__PublishInterval", "00:00:00.010");
        builder.CreateResourceBuilder<ProjectResource>("web").WithEnvironment("Streaming__ClientQueueCapacity", QueueCapacity.ToString(System.Globalization.CultureInfo.InvariantCulture));
    }

    [Fact]
    public async Task ClientThatStopsReadingIsCutOffWhileItsNeighbourMissesNothing()
    {
        var replica = Replicas.Endpoint(App, Replicas.Of(App, "web")[0], "https");
        using var neighbourClient = ReplicaClient(replica);
        using var stalledClient = ReplicaClient(replica);
        await using var neighbour = await EventStream.OpenAsync(neighbourClient, "/events", Cancellation);
        var neighbourReads = neighbour.ReadUntilAsync(_ => neighbour.QuoteIds.Count() >= 500, Cancellation, TestConstants.LongTimeout);
        var cutOff = WaitForLogAsync(App, Replicas.Of(App, "web")[0], $"fell {QueueCapacity} events behind");

        // An HTTP/2 stream whose body is never read: once its flow-control window (64 KiB) and Kestrel's buffer are
        // full, the gateway cannot write to it, and its queue fills.
        using var stalled = await stalledClient.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        var clock = Stopwatch.StartNew();

        await cutOff.DefaultTimeout(TestConstants.LongTimeout);
        Output.WriteLine($"The stalled client was cut off {clock.ElapsedMilliseconds} ms after it connected.");
        var rss = ResidentBytes(Replicas.Pid(App, Replicas.Of(App, "web")[0])!.Value);
        Output.WriteLine($"web-0 resident memory with a stalled client: {rss / (1024 * 1024)} MiB");

        await neighbourReads;
        Assert.False(neighbour.Ended, "The neighbour's stream ended too.");
        Assert.True(neighbour.QuoteIds.Count() >= 500);
        Quotes.AssertConsecutive([.. neighbour.QuoteIds], "the neighbour of a stalled client");
        Assert.True(rss < MemoryBoundBytes, $"web-0 holds {rss} bytes, over the stated bound of {MemoryBoundBytes}.");

        // What the stalled client finds when it reads at last: what was in flight, then the reset of its stream.
        var body = await stalled.Content.ReadAsStreamAsync(Cancellation);
        var end = await Record.ExceptionAsync(() => body.CopyToAsync(Stream.Null, Cancellation).DefaultTimeout());
        Assert.True(end is HttpProtocolException or HttpIOException or IOException, $"Expected the stream to be reset, got {end?.GetType().Name ?? "a clean end"}.");
    }

    [Fact]
    public async Task Http11ReaderThatStallsIsCutOffWithinTheBound()
    {
        // Straight to a replica: DCP's proxy (a development convenience; an ingress in production) adds socket buffers
        // of its own between the client and the gateway, and the bound under test is the gateway's.
        var replica = Replicas.Endpoint(App, Replicas.Of(App, "web")[0], "https");
        using var tcp = new System.Net.Sockets.TcpClient();
        await tcp.ConnectAsync(replica.Host, replica.Port, Cancellation);
        await using var tls = new System.Net.Security.SslStream(tcp.GetStream());
        await tls.AuthenticateAsClientAsync(new System.Net.Security.SslClientAuthenticationOptions
        {
            TargetHost = "localhost",
            ApplicationProtocols = [System.Net.Security.SslApplicationProtocol.Http11],
            RemoteCertificateValidationCallback = TestHttp.ValidateCertificate,
        }, Cancellation);
        var cutOff = WaitForLogAsync(App, Replicas.Of(App, "web")[0], $"fell {QueueCapacity} events behind");
        await tls.WriteAsync("GET /events HTTP/1.1\r\nHost: localhost\r\nAccept: text/event-stream\r\n\r\n"u8.ToArray(), Cancellation);
        var head = new byte[512];
        var headRead = await tls.ReadAsync(head, Cancellation);
        Assert.StartsWith("HTTP/1.1 200", System.Text.Encoding.ASCII.GetString(head, 0, headRead));

        // From here on the client reads nothing, as a stalled browser tab would, while 100 quotes a second are sent.
        await cutOff.DefaultTimeout(TestConstants.ExtraLongTimeout);

        // What it finds when it reads at last: what was in flight (a bounded amount), then the end of the connection.
        var buffer = new byte[64 * 1024];
        long drained = headRead;
        var ended = await Record.ExceptionAsync(async () =>
        {
            int read;
            while ((read = await tls.ReadAsync(buffer, Cancellation).DefaultTimeout()) > 0)
            {
                drained += read;
            }
        });
        Output.WriteLine($"The stalled HTTP/1.1 reader drained {drained} bytes before its connection ended ({ended?.GetType().Name ?? "clean end"}).");
        Assert.True(ended is null or IOException, $"Expected the connection to end, got {ended?.GetType().Name}.");
        // The gateway's queue (64 frames of ~1 KB), Kestrel's 64 KiB response buffer and the loopback socket buffers of a
        // reader that never read: well under a mebibyte.
        Assert.True(drained < 1024 * 1024, $"The stalled client received {drained} bytes: over the bound.");
    }

    private static HttpClient ReplicaClient(Uri replica) =>
        new(TestHttp.CreateHandler()) { BaseAddress = replica, DefaultRequestVersion = HttpVersion.Version20 };

    /// <summary>Aspire's WaitForTextAsync: the resource's console output, backlog then live, until a line has the text.</summary>
    /// <summary>Until a line with <paramref name="text"/> comes from the instance, or from any instance of the resource.</summary>
    private static async Task WaitForLogAsync(DistributedApplication app, string resourceOrInstance, string text)
    {
        var logs = app.Services.GetRequiredService<ResourceLoggerService>();
        var instances = Replicas.Names(app).Contains(resourceOrInstance) ? Replicas.Of(app, resourceOrInstance) : [resourceOrInstance];
        using var found = CancellationTokenSource.CreateLinkedTokenSource(Cancellation);
        async Task WatchAsync(string instance)
        {
            await foreach (var batch in logs.WatchAsync(instance).WithCancellation(found.Token))
            {
                if (batch.Any(line => line.Content.Contains(text, StringComparison.Ordinal)))
                {
                    return;
                }
            }
        }
        await await Task.WhenAny(instances.Select(WatchAsync));
        await found.CancelAsync();
    }

    private static long ResidentBytes(int pid) =>
        long.Parse(File.ReadLines($"/proc/{pid}/status").First(l => l.StartsWith("VmRSS:", StringComparison.Ordinal))
            .Split(' ', StringSplitOptions.RemoveEmptyEntries)[1], System.Globalization.CultureInfo.InvariantCulture) * 1024;
}
