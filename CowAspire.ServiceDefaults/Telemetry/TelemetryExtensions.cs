using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace CowAspire.ServiceDefaults.Telemetry;

public static class TelemetryExtensions
{
    /// <summary>The meter and activity source every CowAspire service writes its own signals to.</summary>
    public const string SourceName = "CowAspire";

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
        });

        builder.Services.AddOpenTelemetry()
            .WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(SourceName)
                .DropPerBlockMemoryPoolInstruments())
            // Redis command spans come from Aspire's AddRedisClient, which adds its instrumentation and source itself.
            // Also every CowAspire.* source a service's features bring (the quote spans: CowAspire.Quotes).
            .WithTracing(tracing => tracing
                .AddSource(SourceName, $"{SourceName}.*")
                .AddAspNetCoreInstrumentation(options => options.Filter = IsNotHealthProbe)
                .AddHttpClientInstrumentation()
                .ConfigureSampler((_, sampler) => new RedisCommandSampler(sampler)));

        // Exported only where the AppHost (or an operator) names a collector, as Aspire does.
        if (!string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
        {
            builder.Services.AddOpenTelemetry().UseOtlpExporter();
        }

        return builder;
    }

    /// <summary>
    /// Kestrel's memory pool records its <c>pooled</c> and <c>rented</c> instruments on every block rented and returned,
    /// a few times per event written to each stream, and inside a stream's request span each one also offers an exemplar:
    /// a cost that grows with every stream and every event (<c>bench --profile</c> shows it under
    /// PinnedBlockMemoryPool.Rent; bench/REPORT.md has the figure). Dropped, the pool skips them; its <c>allocated</c> and <c>evicted</c> instruments,
    /// recorded only when the pool grows or shrinks, still show its size. Aspire's service defaults keep them.
    /// </summary>
    private static MeterProviderBuilder DropPerBlockMemoryPoolInstruments(this MeterProviderBuilder metrics) => metrics
        .AddView("aspnetcore.memory_pool.pooled", MetricStreamConfiguration.Drop)
        .AddView("aspnetcore.memory_pool.rented", MetricStreamConfiguration.Drop);

    private static bool IsNotHealthProbe(HttpContext context) =>
        !context.Request.Path.StartsWithSegments("/health") && !context.Request.Path.StartsWithSegments("/alive");
}
