using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;
using OpenTelemetry.Proto.Metrics.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// Stored telemetry back into OTLP messages, grouped by resource and scope as an exporter would send them, so the
/// API's bodies are plain OTLP JSON that any OTLP tool reads.
/// </summary>
internal static class OtlpExport
{
    public static ExportTraceServiceRequest Spans(IEnumerable<StoredSpan> spans)
    {
        var request = new ExportTraceServiceRequest();
        foreach (var (resource, scopes) in Grouped(spans, s => s.Resource, s => s.Scope))
        {
            request.ResourceSpans.Add(new ResourceSpans
            {
                Resource = resource.Proto,
                ScopeSpans = { scopes.Select(g => new ScopeSpans { Scope = g.Scope, Spans = { g.Items.Select(s => s.Span) } }) },
            });
        }
        return request;
    }

    public static ExportLogsServiceRequest Logs(IEnumerable<StoredLog> logs)
    {
        var request = new ExportLogsServiceRequest();
        foreach (var (resource, scopes) in Grouped(logs, l => l.Resource, l => l.Scope))
        {
            request.ResourceLogs.Add(new ResourceLogs
            {
                Resource = resource.Proto,
                ScopeLogs = { scopes.Select(g => new ScopeLogs { Scope = g.Scope, LogRecords = { g.Items.Select(l => l.Record) } }) },
            });
        }
        return request;
    }

    public static ExportMetricsServiceRequest Metrics(IEnumerable<(TelemetryResource Resource, StoredInstrument Instrument)> instruments)
    {
        var request = new ExportMetricsServiceRequest();
        foreach (var (resource, scopes) in Grouped(instruments, i => i.Resource, i => i.Instrument.Scope))
        {
            request.ResourceMetrics.Add(new ResourceMetrics
            {
                Resource = resource.Proto,
                ScopeMetrics = { scopes.Select(g => new ScopeMetrics { Scope = g.Scope, Metrics = { g.Items.Select(i => WithPoints(i.Instrument)) } }) },
            });
        }
        return request;
    }

    /// <summary>By resource, then by scope (name and version), each in order of first appearance.</summary>
    private static IEnumerable<(TelemetryResource Resource, IEnumerable<(InstrumentationScope Scope, IEnumerable<T> Items)> Scopes)> Grouped<T>(
        IEnumerable<T> items, Func<T, TelemetryResource> resourceOf, Func<T, InstrumentationScope> scopeOf) =>
        items.GroupBy(resourceOf).Select(byResource => (byResource.Key,
            byResource.GroupBy(i => (scopeOf(i).Name, scopeOf(i).Version)).Select(byScope => (scopeOf(byScope.First()), (IEnumerable<T>)byScope))));

    private static Metric WithPoints(StoredInstrument instrument)
    {
        var metric = instrument.Description.Clone();
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                metric.Gauge.DataPoints.AddRange(instrument.Points.OfType<NumberDataPoint>());
                break;
            case Metric.DataOneofCase.Sum:
                metric.Sum.DataPoints.AddRange(instrument.Points.OfType<NumberDataPoint>());
                break;
            case Metric.DataOneofCase.Histogram:
                metric.Histogram.DataPoints.AddRange(instrument.Points.OfType<HistogramDataPoint>());
                break;
            case Metric.DataOneofCase.ExponentialHistogram:
                metric.ExponentialHistogram.DataPoints.AddRange(instrument.Points.OfType<ExponentialHistogramDataPoint>());
                break;
            case Metric.DataOneofCase.Summary:
                metric.Summary.DataPoints.AddRange(instrument.Points.OfType<SummaryDataPoint>());
                break;
        }
        return metric;
    }

    /// <summary>One OTLP JSON object per stored item, for NDJSON streams.</summary>
    public static IMessage One(StoredSpan span) => Spans([span]);

    public static IMessage One(StoredLog log) => Logs([log]);
}
