using System.Diagnostics;
using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using Resource = OpenTelemetry.Proto.Resource.V1.Resource;
using OpenTelemetry.Proto.Trace.V1;

namespace CowAspire.Tests.Telemetry;

/// <summary>OTLP requests as an exporter would send them, from a made-up service, built with the dashboard's own schema.</summary>
public static class OtlpSamples
{
    public static string NewTraceId() => ActivityTraceId.CreateRandom().ToHexString();

    public static string NewSpanId() => ActivitySpanId.CreateRandom().ToHexString();

    /// <summary>A service name of its own per test, so what one test sends never matches another's filters.</summary>
    public static string NewService(string prefix) => $"{prefix}-{Guid.NewGuid():N}"[..(prefix.Length + 9)];

    public static Resource ResourceOf(string service) => new()
    {
        Attributes = { new KeyValue { Key = "service.name", Value = new AnyValue { StringValue = service } } },
    };

    public static Span Span(string traceId, string name, bool error = false, string? parentSpanId = null)
    {
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        return new Span
        {
            TraceId = ByteString.CopyFrom(Convert.FromHexString(traceId)),
            SpanId = ByteString.CopyFrom(Convert.FromHexString(NewSpanId())),
            ParentSpanId = parentSpanId is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(parentSpanId)),
            Name = name,
            Kind = OpenTelemetry.Proto.Trace.V1.Span.Types.SpanKind.Internal,
            StartTimeUnixNano = now,
            EndTimeUnixNano = now + 1_000_000,
            Status = new Status { Code = error ? Status.Types.StatusCode.Error : Status.Types.StatusCode.Ok },
        };
    }

    public static ExportTraceServiceRequest Traces(string service, IEnumerable<Span> spans)
    {
        var scope = new ScopeSpans { Scope = new InstrumentationScope { Name = "CowAspire.Tests" } };
        scope.Spans.AddRange(spans);
        return new ExportTraceServiceRequest { ResourceSpans = { new ResourceSpans { Resource = ResourceOf(service), ScopeSpans = { scope } } } };
    }

    public static LogRecord Log(string text, SeverityNumber severity, string? traceId = null) => new()
    {
        TimeUnixNano = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000,
        SeverityNumber = severity,
        SeverityText = severity.ToString(),
        Body = new AnyValue { StringValue = text },
        TraceId = traceId is null ? ByteString.Empty : ByteString.CopyFrom(Convert.FromHexString(traceId)),
    };

    public static ExportLogsServiceRequest Logs(string service, IEnumerable<LogRecord> records)
    {
        var scope = new ScopeLogs { Scope = new InstrumentationScope { Name = "CowAspire.Tests" } };
        scope.LogRecords.AddRange(records);
        return new ExportLogsServiceRequest { ResourceLogs = { new ResourceLogs { Resource = ResourceOf(service), ScopeLogs = { scope } } } };
    }

    public static ExportMetricsServiceRequest Gauge(string service, string name, IEnumerable<long> values)
    {
        var gauge = new Gauge();
        var now = (ulong)DateTimeOffset.UtcNow.ToUnixTimeMilliseconds() * 1_000_000;
        gauge.DataPoints.AddRange(values.Select((value, i) => new NumberDataPoint { AsInt = value, TimeUnixNano = now + (ulong)i }));
        var scope = new ScopeMetrics { Scope = new InstrumentationScope { Name = "CowAspire.Tests" }, Metrics = { new Metric { Name = name, Gauge = gauge } } };
        return new ExportMetricsServiceRequest { ResourceMetrics = { new OpenTelemetry.Proto.Metrics.V1.ResourceMetrics { Resource = ResourceOf(service), ScopeMetrics = { scope } } } };
    }

    public static ByteArrayContent Protobuf(IMessage message)
    {
        var content = new ByteArrayContent(message.ToByteArray());
        content.Headers.ContentType = new("application/x-protobuf");
        return content;
    }
}
