using System.ComponentModel.DataAnnotations;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// How much telemetry the dashboard keeps in memory (<c>Dashboard:TelemetryLimits</c>); Aspire's defaults. When a
/// limit is reached the oldest leaves first, so the dashboard's memory stays bounded however much the services send.
/// </summary>
public sealed class TelemetryLimitsOptions
{
    public const string Section = "Dashboard:TelemetryLimits";

    [Range(1, 1_000_000)]
    public int MaxLogCount { get; set; } = 10_000;

    [Range(1, 1_000_000)]
    public int MaxTraceCount { get; set; } = 10_000;

    /// <summary>A trace that keeps growing (a span per message of a long stream) stops taking spans here.</summary>
    [Range(1, 100_000)]
    public int MaxSpansPerTrace { get; set; } = 1_000;

    /// <summary>Metric data points per resource instance, across its instruments.</summary>
    [Range(1, 10_000_000)]
    public int MaxMetricPointsPerResource { get; set; } = 50_000;

    /// <summary>Items a follower of the telemetry API may fall behind before the oldest are dropped for it.</summary>
    [Range(1, 100_000)]
    public int FollowQueueCapacity { get; set; } = 1_000;
}

/// <summary>Where the dashboard receives OTLP and what it asks of senders (<c>Dashboard:Otlp</c>).</summary>
public sealed class OtlpOptions
{
    public const string Section = "Dashboard:Otlp";

    public const string ApiKeyHeader = "x-otlp-api-key";

    /// <summary>
    /// Whether the AppHost tells services to export to the dashboard. Off, the receiver still listens but services
    /// export nothing (unless <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> names another collector): telemetry's cost, measured.
    /// </summary>
    public bool Enabled { get; set; } = true;

    /// <summary>OTLP over gRPC: HTTP/2 without TLS on loopback. Aspire's default port; 0 = a free port.</summary>
    [Range(0, 65535)]
    public int GrpcPort { get; set; } = 18889;

    /// <summary>OTLP over HTTP (protobuf or JSON) on loopback. Aspire's default port; 0 = a free port.</summary>
    [Range(0, 65535)]
    public int HttpPort { get; set; } = 18890;

    /// <summary>What services must send in <c>x-otlp-api-key</c>; a random key when not set.</summary>
    [MinLength(8)]
    public string? ApiKey { get; set; }

    /// <summary>The protocol the AppHost tells services to export with: <c>grpc</c> or <c>http/protobuf</c>.</summary>
    [RegularExpression("^(grpc|http/protobuf)$", ErrorMessage = "Dashboard:Otlp:Protocol must be 'grpc' or 'http/protobuf'.")]
    public string Protocol { get; set; } = "grpc";
}
