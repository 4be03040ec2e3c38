using Microsoft.Extensions.Logging;

namespace CowAspire.Dashboard.Telemetry;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused OTLP to {Path} from port {RemotePort}: no or wrong x-otlp-api-key")]
    public static partial void OtlpRefused(this ILogger logger, string path, int remotePort);

    [LoggerMessage(Level = LogLevel.Information, Message = "Receiving OTLP on {GrpcEndpoint} (gRPC) and {HttpEndpoint} (HTTP)")]
    public static partial void OtlpListening(this ILogger logger, string grpcEndpoint, string httpEndpoint);
}
