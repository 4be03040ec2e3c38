using Aspire.StackExchange.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CowAspire.ServiceDefaults.Redis;

public static class RedisConnectionExtensions
{
    /// <summary>
    /// Registers the one <see cref="IConnectionMultiplexer"/> of the process from <c>ConnectionStrings:{connectionName}</c>
    /// through Aspire's client integration (<c>AddRedisClient</c>: its logging and Redis command tracing; settings also
    /// from <c>Aspire:StackExchange:Redis</c>), with CowAspire's connection options and one readiness check,
    /// <see cref="RedisHealthCheck"/>, named <paramref name="connectionName"/>.
    /// </summary>
    public static TBuilder AddRedisConnection<TBuilder>(this TBuilder builder, string connectionName) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        // Redis's spans carry db.system.name, db.operation.name… (OpenTelemetry's stable database conventions) rather
        // than the old db.system and db.statement: the instrumentation reads this from the process environment only.
        const string SemConvOptIn = "OTEL_SEMCONV_STABILITY_OPT_IN";
        var optIn = Environment.GetEnvironmentVariable(SemConvOptIn);
        if (optIn?.Split([',', ' '], StringSplitOptions.RemoveEmptyEntries).Any(v => v.StartsWith("database", StringComparison.OrdinalIgnoreCase)) != true)
        {
            Environment.SetEnvironmentVariable(SemConvOptIn, string.IsNullOrWhiteSpace(optIn) ? "database" : $"{optIn},database");
        }

        builder.AddRedisClient(connectionName,
            settings =>
            {
                if (string.IsNullOrWhiteSpace(settings.ConnectionString))
                {
                    throw new InvalidOperationException(
                        $"ConnectionStrings:{connectionName} is not set. Start the service through the AppHost, or set ConnectionStrings__{connectionName}.");
                }
                // Aspire's check only PINGs; ours PINGs and also reports a Redis past maxmemory, so Aspire's is off and ours is the one check.
                settings.DisableHealthChecks = true;
            },
            options =>
            {
                // Start even while Redis is down and keep retrying: health reports it, callers see 503s, nothing crashes.
                options.AbortOnConnectFail = false;
                // While disconnected, fail commands at once rather than queue them: callers answer 503 instead of hanging.
                options.BacklogPolicy = BacklogPolicy.FailFast;
                options.ClientName ??= builder.Environment.ApplicationName;
            });
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName);
        return builder;
    }
}
