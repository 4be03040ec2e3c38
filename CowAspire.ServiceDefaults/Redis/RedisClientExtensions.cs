using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;
using StackExchange.Redis;

namespace CowAspire.ServiceDefaults.Redis;

public static class RedisClientExtensions
{
    /// <summary>
    /// Registers the one <see cref="IConnectionMultiplexer"/> of the process from <c>ConnectionStrings:{connectionName}</c>
    /// (Aspire's convention), with a readiness check that PINGs it.
    /// </summary>
    public static TBuilder AddRedisClient<TBuilder>(this TBuilder builder, string connectionName) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(connectionName);

        var connectionString = builder.Configuration.GetConnectionString(connectionName)
            ?? throw new InvalidOperationException(
                $"ConnectionStrings:{connectionName} is not set. Start the service through the AppHost, or set ConnectionStrings__{connectionName}.");

        var options = ConfigurationOptions.Parse(connectionString);
        // Start even while Redis is down and keep retrying: health reports it, callers see 503s, nothing crashes.
        options.AbortOnConnectFail = false;
        // While disconnected, fail commands at once rather than queue them: callers answer 503 instead of hanging.
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName ??= builder.Environment.ApplicationName;

        builder.Services.AddSingleton(_ => TracedRedis.Wrap(ConnectionMultiplexer.Connect(options)));
        builder.Services.AddSingleton<Limits.RedisTokenBucket>();
        builder.Services.AddHealthChecks().AddCheck<RedisHealthCheck>(connectionName);
        return builder;
    }
}

internal sealed class RedisHealthCheck(IConnectionMultiplexer redis) : IHealthCheck
{
    // PING still answers when Redis is full, so health also asks how full: past maxmemory it refuses every write.
    // StackExchange.Redis allows INFO only on an admin connection (INFO is @dangerous); a script may read it, and
    // this one returns just the two numbers.
    private const string MemoryScript = """
        local info = redis.call('INFO', 'memory')
        return {tonumber(string.match(info, 'used_memory:(%d+)')), tonumber(string.match(info, 'maxmemory:(%d+)'))}
        """;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var database = redis.GetDatabase();
            var latency = await database.PingAsync().WaitAsync(cancellationToken);
            var memory = (long[]?)await database.ScriptEvaluateAsync(MemoryScript).WaitAsync(cancellationToken);
            return memory is [var used, var max] && max > 0 && used > max
                ? HealthCheckResult.Unhealthy($"Redis is out of memory: {used} bytes used, maxmemory {max}; it refuses writes")
                : HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            // The message is enough: a stack trace per probe would flood the logs while Redis is away.
            return HealthCheckResult.Unhealthy($"Redis does not answer: {ex.GetType().Name}");
        }
    }
}
