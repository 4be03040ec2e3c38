using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>The dashboard's telemetry: the OTLP receivers on their own ports, the store, and the API.</summary>
internal static class DashboardTelemetryExtensions
{
    public static WebApplicationBuilder AddDashboardTelemetry(this WebApplicationBuilder builder, OtlpListeners listeners)
    {
        builder.Services.AddOptions<TelemetryLimitsOptions>().BindConfiguration(TelemetryLimitsOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddOptions<OtlpOptions>().BindConfiguration(OtlpOptions.Section).ValidateDataAnnotations().ValidateOnStart();
        builder.Services.AddSingleton<TelemetryStore>();
        builder.Services.AddGrpc();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            var otlp = kestrel.ApplicationServices.GetRequiredService<IOptions<OtlpOptions>>().Value;
            // gRPC needs HTTP/2; without TLS that means an endpoint that speaks only HTTP/2 (h2c with prior knowledge),
            // so OTLP/HTTP, which exporters send over HTTP/1.1, has a port of its own. Loopback only, as the dashboard.
            kestrel.Listen(IPAddress.Loopback, otlp.GrpcPort, listen =>
            {
                listen.Protocols = HttpProtocols.Http2;
                listeners.Grpc = listen;
            });
            kestrel.Listen(IPAddress.Loopback, otlp.HttpPort, listen => listeners.Http = listen);
        });
        return builder;
    }

    /// <summary>Ahead of the dashboard's login check: OTLP endpoints take the OTLP key instead.</summary>
    public static WebApplication UseOtlpAuthentication(this WebApplication app)
    {
        app.UseMiddleware<OtlpAuthentication>();
        return app;
    }

    public static WebApplication MapDashboardTelemetry(this WebApplication app)
    {
        app.MapGrpcService<OtlpTraceService>().WithMetadata(OtlpEndpoint.Instance);
        app.MapGrpcService<OtlpLogsService>().WithMetadata(OtlpEndpoint.Instance);
        app.MapGrpcService<OtlpMetricsService>().WithMetadata(OtlpEndpoint.Instance);
        app.MapOtlpHttp();
        app.MapTelemetryApi();
        return app;
    }
}

/// <summary>The OTLP endpoints as Kestrel bound them: with port 0 the real port is known only once listening.</summary>
internal sealed class OtlpListeners
{
    public ListenOptions? Grpc { get; set; }

    public ListenOptions? Http { get; set; }

    public static string UrlOf(ListenOptions? listen) =>
        listen?.IPEndPoint is { } endpoint ? $"http://{endpoint}" : throw new InvalidOperationException("The OTLP endpoint is not listening yet.");
}
