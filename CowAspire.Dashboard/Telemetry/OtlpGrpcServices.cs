using Grpc.Core;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>OTLP/gRPC: the collector's three services, storing what they receive. The API key is checked before them.</summary>
internal sealed class OtlpTraceService(TelemetryStore store) : TraceService.TraceServiceBase
{
    public override Task<ExportTraceServiceResponse> Export(ExportTraceServiceRequest request, ServerCallContext context) =>
        Task.FromResult(OtlpResponses.For(store.Add(request)));
}

internal sealed class OtlpLogsService(TelemetryStore store) : LogsService.LogsServiceBase
{
    public override Task<ExportLogsServiceResponse> Export(ExportLogsServiceRequest request, ServerCallContext context)
    {
        store.Add(request);
        return Task.FromResult(new ExportLogsServiceResponse());
    }
}

internal sealed class OtlpMetricsService(TelemetryStore store) : MetricsService.MetricsServiceBase
{
    public override Task<ExportMetricsServiceResponse> Export(ExportMetricsServiceRequest request, ServerCallContext context)
    {
        store.Add(request);
        return Task.FromResult(new ExportMetricsServiceResponse());
    }
}

internal static class OtlpResponses
{
    /// <summary>OTLP's partial success: the sender learns that some spans were dropped, and must not retry them.</summary>
    public static ExportTraceServiceResponse For(long rejectedSpans) => rejectedSpans == 0
        ? new ExportTraceServiceResponse()
        : new ExportTraceServiceResponse
        {
            PartialSuccess = new ExportTracePartialSuccess
            {
                RejectedSpans = rejectedSpans,
                ErrorMessage = "The trace holds as many spans as the dashboard keeps (Dashboard:TelemetryLimits:MaxSpansPerTrace).",
            },
        };
}
