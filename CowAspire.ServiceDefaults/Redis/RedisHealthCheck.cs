using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CowAspire.ServiceDefaults.Redis;

/// <summary>Readiness: Redis answers PING and has room to write.</summary>
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
