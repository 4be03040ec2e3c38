using System.Text.Json.Nodes;
using OpenTelemetry.Proto.Logs.V1;
using static CowAspire.Tests.Telemetry.OtlpJsonReading;
using static CowAspire.Tests.Telemetry.OtlpSamples;

namespace CowAspire.Tests.Telemetry;

public class TelemetryApiTests(TelemetryAppFixture fixture, ITestOutputHelper output) : TelemetryTest(fixture, output)
{
    [Fact]
    public async Task SpansFilterByResourceTraceErrorAndLimit()
    {
        var service = NewService("spans");
        var other = NewService("spans");
        var (first, second) = (NewTraceId(), NewTraceId());
        await SendAsync("/v1/traces", Traces(service, [Span(first, "a"), Span(first, "b", error: true), Span(second, "c"), Span(second, "d")]));
        await SendAsync("/v1/traces", Traces(other, [Span(first, "elsewhere")]));

        var all = await Dashboard.GetAsync($"/api/telemetry/spans?resource={service}", Cancellation);
        var ofFirst = await Dashboard.GetAsync($"/api/telemetry/spans?resource={service}&traceId={first}", Cancellation);
        var byPrefix = await Dashboard.GetAsync($"/api/telemetry/spans?traceId={first[..8]}", Cancellation);
        var errors = await Dashboard.GetAsync($"/api/telemetry/spans?resource={service}&hasError=true", Cancellation);
        var fine = await Dashboard.GetAsync($"/api/telemetry/spans?resource={service}&hasError=false", Cancellation);
        var latestTwo = await Dashboard.GetAsync($"/api/telemetry/spans?resource={service}&limit=2", Cancellation);

        Assert.Equal(["a", "b", "c", "d"], Names(all));
        Assert.Equal(["a", "b"], Names(ofFirst));
        Assert.Equal(["a", "b", "elsewhere"], Names(byPrefix).Order());
        Assert.Equal(["b"], Names(errors));
        Assert.Equal(["a", "c", "d"], Names(fine));
        Assert.Equal(["c", "d"], Names(latestTwo));
        Assert.Equal((4, 2), ((int?)latestTwo["totalCount"], (int?)latestTwo["returnedCount"]));
        Assert.All(Spans(all["data"]), s => Assert.Equal(service, s.Service));
    }

    [Fact]
    public async Task TracesListWholeTracesThatInvolveTheResource()
    {
        var service = NewService("traces");
        var other = NewService("traces");
        var (shared, failed, alone) = (NewTraceId(), NewTraceId(), NewTraceId());
        await SendAsync("/v1/traces", Traces(service, [Span(shared, "here"), Span(failed, "broken", error: true)]));
        await SendAsync("/v1/traces", Traces(other, [Span(shared, "there"), Span(alone, "alone")]));

        var traces = await Dashboard.GetAsync($"/api/telemetry/traces?resource={service}", Cancellation);
        var failing = await Dashboard.GetAsync($"/api/telemetry/traces?resource={service}&hasError=true", Cancellation);
        var one = await Dashboard.GetAsync($"/api/telemetry/traces/{shared}", Cancellation);

        Assert.Equal((2, 2), ((int?)traces["totalCount"], (int?)traces["returnedCount"]));
        Assert.Equal(["broken", "here", "there"], Names(traces).Order());
        Assert.Equal(["broken"], Names(failing));
        Assert.Equal(new[] { (service, "here"), (other, "there") }.Order(), Spans(one["data"]).Select(s => (s.Service, (string)s.Body["name"]!)).Order());
    }

    [Fact]
    public async Task LogsFilterBySeverityAndTrace()
    {
        var service = NewService("logs");
        var traceId = NewTraceId();
        await SendAsync("/v1/logs", Logs(service, [
            Log("debug", SeverityNumber.Debug), Log("info", SeverityNumber.Info, traceId), Log("warn", SeverityNumber.Warn),
            Log("error", SeverityNumber.Error, traceId), Log("fatal", SeverityNumber.Fatal)]));

        var warnings = await Dashboard.GetAsync($"/api/telemetry/logs?resource={service}&severity=Warning", Cancellation);
        var ofTrace = await Dashboard.GetAsync($"/api/telemetry/logs?resource={service}&traceId={traceId}", Cancellation);
        var last = await Dashboard.GetAsync($"/api/telemetry/logs?resource={service}&limit=1", Cancellation);

        Assert.Equal(["warn", "error", "fatal"], Bodies(warnings));
        Assert.Equal(["info", "error"], Bodies(ofTrace));
        Assert.Equal(["fatal"], Bodies(last));
        Assert.Equal(5, (int?)last["totalCount"]);
    }

    [Fact]
    public async Task FollowStreamsWhatIsStoredThenWhatArrivesAsNdjson()
    {
        var service = NewService("follow");
        var traceId = NewTraceId();
        await SendAsync("/v1/traces", Traces(service, [Span(traceId, "before")]));

        using var response = await Dashboard.Api.GetAsync($"/api/telemetry/spans?resource={service}&follow=true", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        Assert.Equal("application/x-ndjson", response.Content.Headers.ContentType?.MediaType);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        var first = await ReadLineAsync(reader);
        await SendAsync("/v1/traces", Traces(NewService("follow"), [Span(traceId, "not this resource")]));
        await SendAsync("/v1/traces", Traces(service, [Span(traceId, "after")]));
        var second = await ReadLineAsync(reader);

        Assert.Equal(["before"], Spans(first).Select(s => (string?)s.Body["name"]));
        Assert.Equal(["after"], Spans(second).Select(s => (string?)s.Body["name"]));
    }

    [Fact]
    public async Task FollowLogsStreamsNewRecordsAtTheSeverityAsked()
    {
        var service = NewService("follow");
        await SendAsync("/v1/logs", Logs(service, [Log("old info", SeverityNumber.Info)]));

        using var response = await Dashboard.Api.GetAsync($"/api/telemetry/logs?resource={service}&severity=Error&follow=true", HttpCompletionOption.ResponseHeadersRead, Cancellation);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync(Cancellation));
        await SendAsync("/v1/logs", Logs(service, [Log("new info", SeverityNumber.Info), Log("new error", SeverityNumber.Error)]));
        var line = await ReadLineAsync(reader);

        Assert.Equal(["new error"], Logs(line).Select(l => (string?)l.Body["body"]?["stringValue"]));
    }

    [Theory]
    [InlineData("/api/telemetry/spans?limit=0", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/spans?limit=10001", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/spans?limit=many", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/spans?traceId=xyz", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/spans?hasError=perhaps", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/logs?severity=Loud", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/traces/0123456789abcdef0123456789abcdef0", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/metrics?limit=-1", HttpStatusCode.BadRequest)]
    [InlineData("/api/telemetry/spans?resource=nobody", HttpStatusCode.NotFound)]
    [InlineData("/api/telemetry/logs?resource=nobody", HttpStatusCode.NotFound)]
    [InlineData("/api/telemetry/traces?resource=nobody", HttpStatusCode.NotFound)]
    [InlineData("/api/telemetry/metrics?resource=nobody", HttpStatusCode.NotFound)]
    [InlineData("/api/telemetry/traces/0123456789abcdef0123456789abcdef", HttpStatusCode.NotFound)]
    public async Task BadQueriesUnknownResourcesAndTracesGetProblems(string pathAndQuery, HttpStatusCode status)
    {
        using var response = await Dashboard.Api.GetAsync(pathAndQuery, Cancellation);

        Assert.Equal(status, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Theory]
    [InlineData("/api/telemetry/spans")]
    [InlineData("/api/telemetry/logs?follow=true")]
    [InlineData("/api/telemetry/metrics")]
    public async Task TheApiNeedsTheDashboardToken(string pathAndQuery)
    {
        using var anonymous = new HttpClient { BaseAddress = new Uri(Dashboard.Info.BaseUrl) };
        using var withOtlpKey = new HttpRequestMessage(HttpMethod.Get, pathAndQuery) { Headers = { { "x-otlp-api-key", Dashboard.Info.OtlpApiKey } } };

        using var response = await anonymous.GetAsync(pathAndQuery, Cancellation);
        using var otlpKeyResponse = await anonymous.SendAsync(withOtlpKey, Cancellation);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal(HttpStatusCode.Unauthorized, otlpKeyResponse.StatusCode);
    }

    private async Task SendAsync(string path, Google.Protobuf.IMessage message)
    {
        using var response = await Dashboard.SendAsync(path, Protobuf(message), Cancellation);
        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
    }

    private static async Task<JsonNode> ReadLineAsync(StreamReader reader)
    {
        var line = await reader.ReadLineAsync(Cancellation).AsTask().WaitAsync(DashboardTelemetry.Timeout, Cancellation);
        Assert.NotNull(line);
        return JsonNode.Parse(line)!;
    }

    private static List<string?> Names(JsonNode answer) => [.. Spans(answer["data"]).Select(s => (string?)s.Body["name"])];

    private static List<string?> Bodies(JsonNode answer) => [.. Logs(answer["data"]).Select(l => (string?)l.Body["body"]?["stringValue"])];
}
