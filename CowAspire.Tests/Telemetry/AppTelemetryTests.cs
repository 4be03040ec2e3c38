using CowAspire.Tests.Infrastructure;
using static CowAspire.Tests.Telemetry.OtlpJsonReading;

namespace CowAspire.Tests.Telemetry;

/// <summary>The services' own telemetry, exported where the AppHost told them and read back from Aspire's dashboard.</summary>
public class AppTelemetryTests(TelemetryAppFixture fixture, ITestOutputHelper output) : TelemetryTest(fixture, output)
{
    [Fact]
    public async Task OnePostedQuoteIsOneTraceAcrossWebAndApiWithTheApisLog()
    {
        using var web = Fixture.CreateWebClient();
        var api = Replicas.Only(Fixture.App, "api");

        var traceId = await TracedQuotes.PostAsync(web, "Traced", HttpStatusCode.Created, Cancellation);

        // The services export their HTTP spans every second; the Redis spans come with the instrumentation's next flush.
        var trace = await Dashboard.UntilAsync($"/api/telemetry/spans?traceId={traceId}",
            answer => Spans(answer).Select(s => s.Service).Distinct().Order(StringComparer.Ordinal).SequenceEqual(["api", "web"])
                && Spans(answer).Any(s => s.Service == "api" && s.Kind == Server)
                && Spans(answer).Any(s => s.Service == "web" && s.Kind == Server && s.Name == "POST /quotes/")
                && Spans(answer).Any(s => s.Service == "api" && s.Name == "EVAL"),
            "the trace has the web's and the api's server spans and the api's Redis span", Cancellation);
        var spans = Spans(trace).ToList();
        Assert.All(spans, s => Assert.Equal(traceId, s.TraceId));
        var webServer = Assert.Single(spans, s => s.Service == "web" && s.Kind == Server);
        Assert.Equal("POST /quotes/", webServer.Name);
        Assert.Contains(webServer.Resource, Fixture.WebReplicas);
        // The api's request is the child of a span of the web replica's: the context crossed the hop.
        var apiServer = Assert.Single(spans, s => s.Service == "api" && s.Kind == Server);
        Assert.Contains(apiServer.ParentSpanId, spans.Where(s => s.Resource == webServer.Resource).Select(s => s.SpanId));
        Assert.All(spans.Where(s => s.Service == "api"), s => Assert.Equal(api, s.Resource));
        var eval = spans.First(s => s.Service == "api" && s.Name == "EVAL");
        Assert.Equal((Client, "redis"), (eval.Kind, eval["db.system.name"]));
        var logs = await Dashboard.UntilAsync($"/api/telemetry/logs?traceId={traceId}",
            answer => Logs(answer).Any(l => l.Service == "api" && l.Message?.StartsWith("Accepted submitted quote", StringComparison.Ordinal) == true),
            "the api's log of the accepted quote is in the trace", Cancellation);
        Assert.All(Logs(logs), l => Assert.Equal(traceId, l.TraceId));
        var accepted = Logs(logs).First(l => l.Message?.StartsWith("Accepted submitted quote", StringComparison.Ordinal) == true);
        Assert.Equal(api, accepted.Resource);
        Assert.Contains(accepted.SpanId, spans.Where(s => s.Service == "api").Select(s => s.SpanId));
    }

    [Fact]
    public async Task OnePostedQuoteIsOneTraceThroughRedisToTheFanOutOnBothReplicas()
    {
        using var web = Fixture.CreateWebClient();

        var traceId = await TracedQuotes.PostAsync(web, "Across Redis", HttpStatusCode.Created, Cancellation);

        var trace = await Dashboard.UntilAsync($"/api/telemetry/spans?traceId={traceId}",
            answer => Spans(answer).Where(s => s.Kind == Consumer).Select(s => s.Resource).Order(StringComparer.Ordinal).SequenceEqual(Fixture.WebReplicas)
                && Spans(answer).Any(s => s.Kind == Producer)
                && Spans(answer).Any(s => s.Service == "api" && s.Name == "EVAL" && Spans(answer).Any(p => p.Kind == Producer && p.SpanId == s.ParentSpanId)),
            $"the trace holds the api's publish with its EVAL and one fan-out on each web replica ({string.Join(", ", Fixture.WebReplicas)})", Cancellation);
        var spans = Spans(trace).ToList();
        var publish = Assert.Single(spans, s => s.Kind == Producer);
        Assert.Equal("api", publish.Service);
        Assert.All(spans.Where(s => s.Kind == Consumer), fanOut =>
        {
            Assert.Equal(publish.SpanId, fanOut.ParentSpanId);
            Assert.Equal("cowaspire:quotes", fanOut["messaging.destination.name"]);
        });
        Assert.Contains(spans, s => s.Service == "api" && s.Name == "EVAL" && s.Kind == Client && s.ParentSpanId == publish.SpanId);
    }

    [Fact]
    public async Task HealthProbesLeaveNoRedisSpans()
    {
        // The AppHost probes every service's /health, which PINGs Redis and reads its memory in a script; those
        // requests are not traced, nor their Redis calls. The Redis span of a traced request shows that the
        // instrumentation has flushed what it profiled up to then, probes' commands included.
        using var web = Fixture.CreateWebClient();
        var traceId = await TracedQuotes.PostAsync(web, "Probed", HttpStatusCode.Created, Cancellation);
        await Dashboard.UntilAsync($"/api/telemetry/spans?traceId={traceId}",
            answer => Spans(answer).Any(s => s.Service == "api" && s.Name == "EVAL"), "the api has exported the posted quote's Redis span", Cancellation);

        var spans = Spans(await Dashboard.GetAsync("/api/telemetry/spans?limit=10000", Cancellation)).ToList();

        var redis = spans.Where(s => s["db.system.name"] == "redis").ToList();
        Assert.Contains(redis, s => s.TraceId == traceId);
        Assert.DoesNotContain(redis, s => s.Name == "PING");
        // A probe's script would be an EVAL of a trace of its own, with no parent.
        Assert.All(redis, s => Assert.True(s.ParentSpanId is not null, $"{s.Resource}'s {s.Name} (trace {s.TraceId}) has no parent span."));
    }

    [Fact]
    public async Task TheLogOfABadRequestCarriesItsTraceId()
    {
        using var web = Fixture.CreateWebClient();

        var traceId = await TracedQuotes.PostAsync(web, "", HttpStatusCode.BadRequest, Cancellation);

        var logs = await Dashboard.UntilAsync($"/api/telemetry/logs?traceId={traceId}",
            answer => Logs(answer).Select(l => l.Service).Distinct().Count() == 2,
            "the web and the api logged the refused quote", Cancellation);
        Assert.All(Logs(logs), l =>
        {
            Assert.Equal(traceId, l.TraceId);
            Assert.Equal("Answered POST /quotes with 400", l.Message);
        });
        Assert.Contains(Logs(logs), l => Fixture.WebReplicas.Contains(l.Resource));
    }
}
