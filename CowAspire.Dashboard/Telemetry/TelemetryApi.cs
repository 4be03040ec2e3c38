using System.Text.Json.Nodes;
using Aspire.Hosting.ApplicationModel;
using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// Aspire's Dashboard Telemetry HTTP API (dotnet/aspire PR 14168) in the same shape: spans, logs and traces as OTLP
/// JSON wrapped with counts, <c>follow=true</c> as NDJSON; plus metrics, which Aspire's does not have yet. Behind the
/// dashboard's token like the rest of <c>/api</c>.
/// </summary>
internal static class TelemetryApi
{
    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder endpoints)
    {
        var api = endpoints.MapGroup("/api/telemetry");
        api.MapGet("/spans", GetSpans);
        api.MapGet("/logs", GetLogs);
        api.MapGet("/traces", GetTraces);
        api.MapGet("/traces/{traceId}", GetTrace);
        api.MapGet("/metrics", GetMetrics);
        return endpoints;
    }

    private static Results<ContentHttpResult, NdjsonResult<StoredSpan>, ProblemHttpResult> GetSpans(
        string? resource, string? traceId, bool? hasError, int? limit, bool? follow, TelemetryStore store, ResourceNotificationService notifications)
    {
        if ((CheckLimit(limit) ?? CheckTraceId(traceId) ?? CheckResource(resource, store, notifications)) is { } problem)
        {
            return problem;
        }
        bool Matches(StoredSpan s) => s.Resource.Matches(resource) && TelemetryQuery.TraceIdMatches(s.TraceId, traceId) && (hasError is null || s.HasError == hasError);
        if (follow == true)
        {
            return new NdjsonResult<StoredSpan>(ct => store.FollowSpansAsync(Matches, ct), OtlpExport.One);
        }
        var (spans, total) = store.Spans(Matches, limit ?? 200);
        return Wrapped(OtlpExport.Spans(spans), total, spans.Count);
    }

    private static Results<ContentHttpResult, NdjsonResult<StoredLog>, ProblemHttpResult> GetLogs(
        string? resource, string? traceId, string? severity, int? limit, bool? follow, TelemetryStore store, ResourceNotificationService notifications)
    {
        var badSeverity = CheckSeverity(severity, out var minimum);
        if ((CheckLimit(limit) ?? CheckTraceId(traceId) ?? badSeverity ?? CheckResource(resource, store, notifications)) is { } problem)
        {
            return problem;
        }
        bool Matches(StoredLog l) =>
            l.Resource.Matches(resource) && TelemetryQuery.TraceIdMatches(l.TraceId, traceId) && (int)l.Record.SeverityNumber >= minimum;
        if (follow == true)
        {
            return new NdjsonResult<StoredLog>(ct => store.FollowLogsAsync(Matches, ct), OtlpExport.One);
        }
        var (logs, total) = store.Logs(Matches, limit ?? 200);
        return Wrapped(OtlpExport.Logs(logs), total, logs.Count);
    }

    private static Results<ContentHttpResult, ProblemHttpResult> GetTraces(
        string? resource, bool? hasError, int? limit, TelemetryStore store, ResourceNotificationService notifications)
    {
        if ((CheckLimit(limit) ?? CheckResource(resource, store, notifications)) is { } problem)
        {
            return problem;
        }
        var (traces, total) = store.Traces(
            t => t.Spans.Exists(s => s.Resource.Matches(resource)) && (hasError is null || t.Spans.Exists(s => s.HasError) == hasError), limit ?? 100);
        return Wrapped(OtlpExport.Spans(traces.SelectMany(t => t.Spans)), total, traces.Count);
    }

    private static Results<ContentHttpResult, ProblemHttpResult> GetTrace(string traceId, TelemetryStore store)
    {
        if (CheckTraceId(traceId) is { } problem)
        {
            return problem;
        }
        return store.Trace(traceId.ToLowerInvariant()) is { } trace
            ? Wrapped(OtlpExport.Spans(trace.Spans), trace.Spans.Count, trace.Spans.Count)
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown trace", detail: $"No trace with id '{traceId}' is stored.");
    }

    /// <param name="meter">The instrumentation scope (the .NET Meter's name), e.g. <c>CowAspire</c>.</param>
    /// <param name="instrument">The instrument's name, e.g. <c>cowaspire.gateway.streams</c>.</param>
    /// <param name="limit">The latest points to return per instrument and resource instance.</param>
    private static Results<ContentHttpResult, ProblemHttpResult> GetMetrics(
        string? resource, string? meter, string? instrument, int? limit, TelemetryStore store, ResourceNotificationService notifications)
    {
        if ((CheckLimit(limit) ?? CheckResource(resource, store, notifications)) is { } problem)
        {
            return problem;
        }
        var (found, total) = store.Instruments((r, i) => r.Matches(resource)
            && (meter is null || string.Equals(i.Scope.Name, meter, StringComparison.OrdinalIgnoreCase))
            && (instrument is null || string.Equals(i.Description.Name, instrument, StringComparison.OrdinalIgnoreCase)), limit ?? 100);
        return Wrapped(OtlpExport.Metrics(found), total, found.Sum(f => f.Instrument.Points.Count));
    }

    /// <summary>Aspire's wrapper: the OTLP JSON under <c>data</c>, with how many items matched and how many are here.</summary>
    private static ContentHttpResult Wrapped(IMessage otlp, int totalCount, int returnedCount) =>
        TypedResults.Content(new JsonObject
        {
            ["data"] = OtlpJson.ToNode(otlp),
            ["totalCount"] = totalCount,
            ["returnedCount"] = returnedCount,
        }.ToJsonString(), "application/json");

    private static ProblemHttpResult? CheckLimit(int? limit) => BadRequest(TelemetryQuery.CheckLimit(limit));

    private static ProblemHttpResult? CheckTraceId(string? traceId) => BadRequest(TelemetryQuery.CheckTraceId(traceId));

    private static ProblemHttpResult? CheckSeverity(string? severity, out int minimum) => BadRequest(TelemetryQuery.CheckSeverity(severity, out minimum));

    /// <summary>
    /// Unknown resources are a 404 as in Aspire's API; a resource of the app model that has sent nothing yet is known
    /// (a follower may start before the first export).
    /// </summary>
    private static ProblemHttpResult? CheckResource(string? resource, TelemetryStore store, ResourceNotificationService notifications) =>
        resource is null || store.KnowsResource(resource) || notifications.Current().Any(e =>
            string.Equals(e.Resource.Name, resource, StringComparison.OrdinalIgnoreCase) || string.Equals(e.ResourceId, resource, StringComparison.OrdinalIgnoreCase))
            ? null
            : TypedResults.Problem(statusCode: StatusCodes.Status404NotFound, title: "Unknown resource",
                detail: $"No resource or replica named '{resource}' is in the app or has sent telemetry.");

    private static ProblemHttpResult? BadRequest(string? detail) =>
        detail is null ? null : TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid request", detail: detail);
}
