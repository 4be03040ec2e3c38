using System.Text;
using Grpc.Core;
using Grpc.Net.Client;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Logs.V1;
using static CowAspire.Tests.Telemetry.OtlpJsonReading;
using static CowAspire.Tests.Telemetry.OtlpSamples;

namespace CowAspire.Tests.Telemetry;

public class OtlpReceiverTests(TelemetryAppFixture fixture, ITestOutputHelper output) : TelemetryTest(fixture, output)
{
    [Theory]
    [InlineData(null)]
    [InlineData("not-the-key")]
    public async Task OtlpHttpWithoutTheApiKeyIsRefused(string? apiKey)
    {
        var service = NewService("refused");
        var traceId = NewTraceId();

        using var response = await Dashboard.SendAsync("/v1/traces", Protobuf(Traces(service, [Span(traceId, "refused")])), Cancellation, apiKey);

        Assert.Equal(HttpStatusCode.Unauthorized, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        using var stored = await Dashboard.Api.GetAsync($"/api/telemetry/traces/{traceId}", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, stored.StatusCode);
    }

    [Fact]
    public async Task OtlpGrpcWithoutTheApiKeyIsRefusedAndWithItIsStored()
    {
        using var channel = GrpcChannel.ForAddress(Dashboard.Info.OtlpGrpcUrl);
        var client = new TraceService.TraceServiceClient(channel);
        var service = NewService("grpc");
        var refused = NewTraceId();
        var accepted = NewTraceId();

        var error = await Assert.ThrowsAsync<RpcException>(() =>
            client.ExportAsync(Traces(service, [Span(refused, "refused")]), cancellationToken: Cancellation).ResponseAsync);
        await client.ExportAsync(Traces(service, [Span(accepted, "accepted")]),
            new Metadata { { "x-otlp-api-key", Dashboard.Info.OtlpApiKey } }, cancellationToken: Cancellation);

        Assert.Equal(StatusCode.Unauthenticated, error.StatusCode);
        var trace = await Dashboard.GetAsync($"/api/telemetry/traces/{accepted}", Cancellation);
        Assert.Equal(["accepted"], Spans(trace["data"]).Select(s => (string?)s.Body["name"]));
        Assert.Equal(service, Assert.Single(Spans(trace["data"])).Service);
        using var missing = await Dashboard.Api.GetAsync($"/api/telemetry/traces/{refused}", Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, missing.StatusCode);
    }

    [Fact]
    public async Task OtlpHttpTakesProtobufAndAnswersInKind()
    {
        var service = NewService("protobuf");
        var traceId = NewTraceId();

        using var response = await Dashboard.SendAsync("/v1/traces", Protobuf(Traces(service, [Span(traceId, "encoded")])), Cancellation);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("application/x-protobuf", response.Content.Headers.ContentType?.MediaType);
        Assert.Null(ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(Cancellation)).PartialSuccess);
        var trace = await Dashboard.GetAsync($"/api/telemetry/traces/{traceId}", Cancellation);
        var span = Assert.Single(Spans(trace["data"]));
        Assert.Equal((service, "encoded", traceId), (span.Service, (string?)span.Body["name"], (string?)span.Body["traceId"]));
    }

    [Fact]
    public async Task OtlpHttpTakesJsonWithHexIdsAndIntegerEnums()
    {
        var service = NewService("json");
        var traceId = NewTraceId();
        var spanId = NewSpanId();
        var parentId = NewSpanId();
        var json = $$$"""
            {"resourceSpans":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},
              "scopeSpans":[{"scope":{"name":"curl"},"spans":[{"traceId":"{{{traceId}}}","spanId":"{{{spanId}}}","parentSpanId":"{{{parentId}}}",
                "name":"from json","kind":3,"startTimeUnixNano":"1700000000000000000","endTimeUnixNano":1700000000500000000,
                "status":{"code":2,"message":"boom"}}]}]}]}
            """;
        var logs = $$$"""
            {"resourceLogs":[{"resource":{"attributes":[{"key":"service.name","value":{"stringValue":"{{{service}}}"}}]},
              "scopeLogs":[{"logRecords":[{"timeUnixNano":"1700000000100000000","severityNumber":17,"severityText":"Error",
                "body":{"stringValue":"json log"},"traceId":"{{{traceId}}}","spanId":"{{{spanId}}}"}]}]}]}
            """;

        using var spanResponse = await Dashboard.SendAsync("/v1/traces", new StringContent(json, Encoding.UTF8, "application/json"), Cancellation);
        using var logResponse = await Dashboard.SendAsync("/v1/logs", new StringContent(logs, Encoding.UTF8, "application/json"), Cancellation);

        Assert.Equal(HttpStatusCode.OK, spanResponse.StatusCode);
        Assert.Equal("application/json", spanResponse.Content.Headers.ContentType?.MediaType);
        Assert.Equal(HttpStatusCode.OK, logResponse.StatusCode);
        var span = Assert.Single(Spans((await Dashboard.GetAsync($"/api/telemetry/traces/{traceId}", Cancellation))["data"])).Body;
        Assert.Equal((traceId, spanId, parentId, 3, 2), ((string?)span["traceId"], (string?)span["spanId"], (string?)span["parentSpanId"],
            (int?)span["kind"], (int?)span["status"]?["code"]));
        Assert.Equal("1700000000500000000", (string?)span["endTimeUnixNano"]);
        var log = Assert.Single(Logs((await Dashboard.GetAsync($"/api/telemetry/logs?resource={service}", Cancellation))["data"])).Body;
        Assert.Equal(("json log", traceId, (int)SeverityNumber.Error), ((string?)log["body"]?["stringValue"], (string?)log["traceId"], (int?)log["severityNumber"]));
    }

    [Theory]
    [InlineData("application/json", "{\"resourceSpans\": [")]
    [InlineData("application/json", "[1, 2]")]
    [InlineData("application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"traceId\":\"not hex\"}]}]}]}")]
    [InlineData("application/json", "{\"resourceSpans\":[{\"scopeSpans\":[{\"spans\":[{\"startTimeUnixNano\":\"soon\"}]}]}]}")]
    [InlineData("application/x-protobuf", "\u0001\u0002\u0003 not protobuf")]
    public async Task MalformedOtlpBodiesGetProblems(string contentType, string body)
    {
        var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        content.Headers.ContentType = new(contentType);

        using var response = await Dashboard.SendAsync("/v1/traces", content, Cancellation);

        Assert.Equal(HttpStatusCode.BadRequest, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
        Assert.Contains("not an OTLP", await response.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task OtlpInAnotherEncodingIsUnsupported()
    {
        using var response = await Dashboard.SendAsync("/v1/logs", new StringContent("hello", Encoding.UTF8, "text/plain"), Cancellation);

        Assert.Equal(HttpStatusCode.UnsupportedMediaType, response.StatusCode);
        Assert.Equal("application/problem+json", response.Content.Headers.ContentType?.MediaType);
    }

    [Fact]
    public async Task StorageStaysWithinItsBoundsUnderAFlood()
    {
        // Aspire's defaults: 10,000 traces, 10,000 log records, and here 50,000 metric points per resource instance.
        var service = NewService("flood");
        var traceIds = Enumerable.Range(0, 12_000).Select(_ => NewTraceId()).ToList();
        foreach (var batch in traceIds.Chunk(2_000))
        {
            using var response = await Dashboard.SendAsync("/v1/traces", Protobuf(Traces(service, batch.Select(id => Span(id, "flood")))), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        foreach (var batch in Enumerable.Range(0, 10_500).Chunk(2_100))
        {
            using var response = await Dashboard.SendAsync("/v1/logs", Protobuf(Logs(service, batch.Select(i => Log($"flood {i}", SeverityNumber.Info)))), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        for (var i = 0; i < 6; i++)
        {
            using var response = await Dashboard.SendAsync("/v1/metrics", Protobuf(Gauge(service, "flood.gauge", Enumerable.Range(i * 10_000, 10_000).Select(v => (long)v))), Cancellation);
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        }
        var oneTraceFlood = NewTraceId();
        using (var response = await Dashboard.SendAsync("/v1/traces", Protobuf(Traces(service, Enumerable.Range(0, 1_500).Select(_ => Span(oneTraceFlood, "long")))), Cancellation))
        {
            Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            Assert.Equal(500, ExportTraceServiceResponse.Parser.ParseFrom(await response.Content.ReadAsByteArrayAsync(Cancellation)).PartialSuccess.RejectedSpans);
        }

        var traces = await Dashboard.GetAsync("/api/telemetry/traces?limit=1", Cancellation);
        Assert.Equal(10_000, (int?)traces["totalCount"]);
        using (var oldest = await Dashboard.Api.GetAsync($"/api/telemetry/traces/{traceIds[0]}", Cancellation))
        {
            Assert.Equal(HttpStatusCode.NotFound, oldest.StatusCode);
        }
        Assert.Single(Spans((await Dashboard.GetAsync($"/api/telemetry/traces/{traceIds[^1]}", Cancellation))["data"]));
        Assert.Equal(1_000, (int?)(await Dashboard.GetAsync($"/api/telemetry/traces/{oneTraceFlood}", Cancellation))["totalCount"]);
        var logs = await Dashboard.GetAsync("/api/telemetry/logs?limit=1", Cancellation);
        Assert.Equal(10_000, (int?)logs["totalCount"]);
        var metrics = await Dashboard.GetAsync($"/api/telemetry/metrics?resource={service}&limit=1", Cancellation);
        Assert.Equal(50_000, (int?)metrics["totalCount"]);
        var latest = Assert.Single(Metrics(metrics["data"])).Body["gauge"]!["dataPoints"]!.AsArray();
        Assert.Equal("59999", (string?)Assert.Single(latest)!["asInt"]);
    }
}
