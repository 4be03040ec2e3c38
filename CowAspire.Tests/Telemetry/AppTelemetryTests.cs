using System.Text.Json.Nodes;
using static CowAspire.Tests.Telemetry.OtlpJsonReading;
using static CowAspire.Tests.Telemetry.OtlpSamples;

namespace CowAspire.Tests.Telemetry;

/// <summary>The services' own telemetry, exported to the dashboard through what the AppHost gave them.</summary>
public class AppTelemetryTests(TelemetryAppFixture fixture, ITestOutputHelper output) : TelemetryTest(fixture, output)
{
    [Fact]
    public async Task OnePostedQuoteIsOneTraceAcrossWebAndApiWithTheApisLog()
    {
        using var web = Fixture.App.CreateHttpClient("web", "https");

        var traceId = await TracedQuotes.PostAsync(web, "Traced", HttpStatusCode.Created, Cancellation);

        // The web's own spans arrive in more than one export: its fan-out span can come before its request's server span.
        var trace = await Dashboard.UntilAsync($"/api/telemetry/spans?traceId={traceId}",
            answer => Spans(answer["data"]).Select(s => s.Service).Distinct().Order().SequenceEqual(["api", "web"])
                && Spans(answer["data"]).Any(s => s.Service == "api" && (int?)s.Body["kind"] == 2)
                && Spans(answer["data"]).Any(s => s.Service == "web" && (string?)s.Body["name"] == "POST /quotes/"),
            "the trace has the web's and the api's server spans", Cancellation);
        Assert.All(Spans(trace["data"]), s => Assert.Equal(traceId, (string?)s.Body["traceId"]));
        Assert.Contains(Spans(trace["data"]), s => s.Service == "web" && s.Instance.StartsWith("web-", StringComparison.Ordinal) && (string?)s.Body["name"] == "POST /quotes/");
        var apiSpans = await Dashboard.UntilAsync($"/api/telemetry/spans?resource=api&traceId={traceId}",
            answer => Spans(answer["data"]).Any(s => (string?)s.Body["name"] == "EVAL"), "the api's publish script is a Redis client span", Cancellation);
        Assert.All(Spans(apiSpans["data"]), s => Assert.Equal(("api", "api"), (s.Service, s.Instance)));
        var eval = Spans(apiSpans["data"]).First(s => (string?)s.Body["name"] == "EVAL").Body;
        Assert.Equal(3, (int?)eval["kind"]);
        Assert.Equal("redis", OtlpJsonReading.Attribute(eval, "db.system.name"));
        var logs = await Dashboard.UntilAsync($"/api/telemetry/logs?resource=api&traceId={traceId}",
            answer => Logs(answer["data"]).Any(l => ((string?)l.Body["body"]?["stringValue"])?.StartsWith("Accepted submitted quote", StringComparison.Ordinal) == true),
            "the api's log of the accepted quote is in the trace", Cancellation);
        Assert.All(Logs(logs["data"]), l => Assert.Equal(traceId, (string?)l.Body["traceId"]));
    }

    [Fact]
    public async Task OnePostedQuoteIsOneTraceThroughRedisToTheFanOutOnBothReplicas()
    {
        using var web = Fixture.App.CreateHttpClient("web", "https");

        var traceId = await TracedQuotes.PostAsync(web, "Across Redis", HttpStatusCode.Created, Cancellation);

        var trace = await Dashboard.UntilAsync($"/api/telemetry/spans?traceId={traceId}",
            answer => Spans(answer["data"]).Where(s => (int?)s.Body["kind"] == 5).Select(s => s.Instance).Order().SequenceEqual(["web-0", "web-1"])
                && Spans(answer["data"]).Any(s => (int?)s.Body["kind"] == 4) && Spans(answer["data"]).Any(s => (string?)s.Body["name"] == "EVAL"),
            "the trace holds the api's publish with its EVAL and one fan-out on each web replica", Cancellation);
        var spans = Spans(trace["data"]).ToList();
        var publish = Assert.Single(spans, s => (int?)s.Body["kind"] == 4);
        Assert.Equal("api", publish.Service);
        Assert.All(spans.Where(s => (int?)s.Body["kind"] == 5), fanOut => Assert.Equal((string?)publish.Body["spanId"], (string?)fanOut.Body["parentSpanId"]));
        Assert.Contains(spans, s => s.Service == "api" && (string?)s.Body["name"] == "EVAL" && (string?)s.Body["parentSpanId"] == (string?)publish.Body["spanId"]);
    }

    [Fact]
    public async Task HealthProbesLeaveNoRedisSpans()
    {
        // The AppHost probes /health (which PINGs Redis) every second; those requests are not traced, nor their Redis
        // calls. A traced request's Redis span shows that the api's spans are being exported meanwhile.
        using var web = Fixture.App.CreateHttpClient("web", "https");
        await TracedQuotes.PostAsync(web, "Probed", HttpStatusCode.Created, Cancellation);

        var spans = await Dashboard.UntilAsync("/api/telemetry/spans?resource=api&limit=10000",
            answer => Spans(answer["data"]).Any(s => (string?)s.Body["name"] == "EVAL"), "the api has exported a Redis span", Cancellation);

        Assert.DoesNotContain(Spans(spans["data"]), s => (string?)s.Body["name"] == "PING");
    }

    [Fact]
    public async Task TheLogOfABadRequestCarriesItsTraceId()
    {
        using var web = Fixture.App.CreateHttpClient("web", "https");

        var traceId = await TracedQuotes.PostAsync(web, "", HttpStatusCode.BadRequest, Cancellation);

        var logs = await Dashboard.UntilAsync($"/api/telemetry/logs?traceId={traceId}",
            answer => Logs(answer["data"]).Select(l => l.Service).Distinct().Count() == 2,
            "the web and the api logged the refused quote", Cancellation);
        Assert.All(Logs(logs["data"]), l =>
        {
            Assert.Equal(traceId, (string?)l.Body["traceId"]);
            Assert.Equal("Answered POST /quotes with 400", (string?)l.Body["body"]?["stringValue"]);
        });
    }

    [Fact]
    public async Task StreamsOpenMetricFollowsClientsConnectingAndLeaving()
    {
        const string Query = "/api/telemetry/metrics?resource=web&instrument=cowaspire.gateway.streams";
        var clients = Enumerable.Range(0, 3).Select(_ => Fixture.CreateWebClient()).ToList();
        try
        {
            var streams = await Task.WhenAll(clients.Select(c => c.GetAsync("/events", HttpCompletionOption.ResponseHeadersRead, Cancellation)));
            Assert.All(streams, s => Assert.Equal(HttpStatusCode.OK, s.StatusCode));

            await Dashboard.UntilAsync(Query, answer => OpenStreams(answer) == 3, "the web replicas report 3 open streams", Cancellation);

            foreach (var stream in streams)
            {
                stream.Dispose();
            }
            await Dashboard.UntilAsync(Query, answer => OpenStreams(answer) == 0, "the web replicas report no open stream", Cancellation);
        }
        finally
        {
            clients.ForEach(c => c.Dispose());
        }
    }

    /// <summary>The sum over replicas of each one's latest value of the up-down counter (a cumulative sum).</summary>
    private static long OpenStreams(JsonNode answer) =>
        Metrics(answer["data"])
            .Select(m => m.Body["sum"]?["dataPoints"]?.AsArray().MaxBy(p => ulong.Parse((string)p!["timeUnixNano"]!, System.Globalization.CultureInfo.InvariantCulture)))
            .Sum(p => p is null ? 0 : long.Parse((string)p["asInt"]!, System.Globalization.CultureInfo.InvariantCulture));
}
