using Google.Protobuf;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.AspNetCore.Routing;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Collector.Trace.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// OTLP/HTTP: <c>POST /v1/traces</c>, <c>/v1/logs</c>, <c>/v1/metrics</c> with a protobuf or JSON body, answered in
/// the same encoding. A body that is not what it says it is gets a 400 problem, an unknown encoding a 415.
/// </summary>
internal static class OtlpHttpEndpoints
{
    public const string Protobuf = "application/x-protobuf";
    public const string Json = "application/json";

    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder endpoints)
    {
        var otlp = endpoints.MapGroup("/v1").WithMetadata(OtlpEndpoint.Instance).DisableAntiforgery();
        otlp.MapPost("/traces", (HttpRequest request, TelemetryStore store, CancellationToken cancellationToken) =>
            ReceiveAsync<ExportTraceServiceRequest>(request, r => OtlpResponses.For(store.Add(r)), cancellationToken));
        otlp.MapPost("/logs", (HttpRequest request, TelemetryStore store, CancellationToken cancellationToken) =>
            ReceiveAsync<ExportLogsServiceRequest>(request, r =>
            {
                store.Add(r);
                return new ExportLogsServiceResponse();
            }, cancellationToken));
        otlp.MapPost("/metrics", (HttpRequest request, TelemetryStore store, CancellationToken cancellationToken) =>
            ReceiveAsync<ExportMetricsServiceRequest>(request, r =>
            {
                store.Add(r);
                return new ExportMetricsServiceResponse();
            }, cancellationToken));
        return endpoints;
    }

    private static async Task<Results<FileContentHttpResult, ContentHttpResult, ProblemHttpResult>> ReceiveAsync<T>(
        HttpRequest request, Func<T, IMessage> store, CancellationToken cancellationToken) where T : IMessage<T>, new()
    {
        var mediaType = request.ContentType?.Split(';')[0].Trim();
        var isJson = string.Equals(mediaType, Json, StringComparison.OrdinalIgnoreCase);
        if (!isJson && !string.Equals(mediaType, Protobuf, StringComparison.OrdinalIgnoreCase))
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status415UnsupportedMediaType, title: "Unsupported media type",
                detail: $"Send OTLP as {Protobuf} or {Json}, not '{request.ContentType ?? "(none)"}'.");
        }

        using var buffer = new MemoryStream();
        await request.Body.CopyToAsync(buffer, cancellationToken);
        T message;
        try
        {
            message = isJson
                ? OtlpJson.Parse<T>(System.Text.Encoding.UTF8.GetString(buffer.GetBuffer(), 0, (int)buffer.Length))
                : new MessageParser<T>(() => new T()).ParseFrom(buffer.GetBuffer(), 0, (int)buffer.Length);
        }
        catch (Exception ex) when (ex is InvalidProtocolBufferException or InvalidJsonException or FormatException)
        {
            return TypedResults.Problem(statusCode: StatusCodes.Status400BadRequest, title: "Invalid OTLP body",
                detail: $"The body is not an OTLP {typeof(T).Name} in {mediaType}: {ex.Message}");
        }

        var response = store(message);
        return isJson
            ? TypedResults.Content(OtlpJson.ToNode(response).ToJsonString(), Json)
            : TypedResults.Bytes(response.ToByteArray(), Protobuf);
    }
}

/// <summary>Marks the OTLP endpoints (gRPC and HTTP): they take the OTLP API key, not the dashboard's login.</summary>
internal sealed class OtlpEndpoint
{
    public static readonly OtlpEndpoint Instance = new();
}
