using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// OTLP endpoints take the <c>x-otlp-api-key</c> header that the AppHost gives every service, as Aspire's dashboard
/// does: anything else on this machine that can reach the port cannot fill the dashboard. Over gRPC the 401 reaches
/// the client as <c>Unauthenticated</c>.
/// </summary>
internal sealed class OtlpAuthentication(RequestDelegate next, IOptions<OtlpOptions> options, ILogger<OtlpAuthentication> logger)
{
    private readonly byte[] _key = Encoding.UTF8.GetBytes(options.Value.ApiKey ?? throw new InvalidOperationException("The OTLP API key is not set."));

    public Task InvokeAsync(HttpContext context)
    {
        if (context.GetEndpoint()?.Metadata.GetMetadata<OtlpEndpoint>() is null || IsKey(context.Request.Headers[OtlpOptions.ApiKeyHeader].ToString()))
        {
            return next(context);
        }
        logger.OtlpRefused(context.Request.Path, context.Connection.RemotePort);
        return Results.Problem(statusCode: StatusCodes.Status401Unauthorized, title: "OTLP API key required",
            detail: $"Send the key the AppHost gives services in the '{OtlpOptions.ApiKeyHeader}' header (OTEL_EXPORTER_OTLP_HEADERS).")
            .ExecuteAsync(context);
    }

    private bool IsKey(string candidate) => CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), _key);
}
