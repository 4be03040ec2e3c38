namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// Where the dashboard receives OTLP, set by the dashboard once it listens (before any resource starts), read when
/// each project's environment is made. Empty when the dashboard is off: then services export only where
/// <c>OTEL_EXPORTER_OTLP_ENDPOINT</c> says.
/// </summary>
internal sealed class DashboardOtlp
{
    public string? Endpoint { get; set; }

    /// <summary><c>grpc</c> or <c>http/protobuf</c>, as <c>OTEL_EXPORTER_OTLP_PROTOCOL</c> takes it.</summary>
    public string Protocol { get; set; } = "grpc";

    public string? ApiKey { get; set; }
}
