using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Distributed;

/// <summary>
/// Gateways that have not yet seen a quote: an app of its own with no scheduled quotes, so the first quote any
/// gateway could see is the test's.
/// </summary>
public sealed class FreshGatewayTests(ITestOutputHelper output) : OwnAppTest(output)
{
    protected override void Configure(IDistributedApplicationTestingBuilder builder) =>
        builder.CreateResourceBuilder<ProjectResource>("api").WithEnvironment("Quotes__PublishInterval", "01:00:00");

    [Fact]
    public async Task SubscriptionDroppedBeforeTheFirstQuoteLosesNothing()
    {
        await using var faults = await Faults.ConnectAsync(App, Cancellation);
        using var client = App.CreateHttpClient("web", "https");
        using var response = await client.GetAsync("/events?lastEventId=0", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        // A heartbeat reaches only a stream the gateway has subscribed: from here on it gets whatever the gateway does.
        await ReadLinesUntilAsync(reader, line => line == ": heartbeat");

        var unseen = await faults.PublishWhileGatewaysAreCutOffAsync("Published while no gateway listened.");
        await faults.WaitForSubscribersAsync(2, Cancellation);
        var seen = await Quotes.PublishAsync(App, "Published after they came back.", Cancellation);
        var ids = (await ReadLinesUntilAsync(reader, line => IdOf(line) == seen))
            .Select(IdOf).OfType<long>().ToList();

        Assert.Equal(1, unseen);
        Assert.Equal([unseen, seen], ids);
    }

    private static long? IdOf(string line) => line.StartsWith("id: ", StringComparison.Ordinal) ? EventStream.QuoteId(line[4..]) : null;

    /// <summary>Reads until <paramref name="last"/> holds for a line; heartbeats keep lines coming, so the limit is on the whole read.</summary>
    private static async Task<List<string>> ReadLinesUntilAsync(StreamReader reader, Func<string, bool> last)
    {
        var lines = new List<string>();
        var deadline = DateTimeOffset.UtcNow + TestConstants.DefaultTimeout;
        while (true)
        {
            var line = await reader.ReadLineAsync(Cancellation).DefaultTimeout()
                ?? throw new InvalidOperationException($"The stream ended after: {string.Join(" | ", lines)}");
            Assert.True(DateTimeOffset.UtcNow < deadline, $"Nothing expected came within {TestConstants.DefaultTimeout.TotalSeconds:0} s: {string.Join(" | ", lines)}");
            lines.Add(line);
            if (last(line))
            {
                return lines;
            }
        }
    }
}
