using System.Globalization;
using StackExchange.Redis;

namespace CowAspire.ServiceDefaults.Limits;

/// <summary>
/// A token bucket kept in Redis, so every replica (and the Api) draws from the same bucket per client: a limit
/// per process behind a round-robin front door would be N times the limit.
/// </summary>
public sealed class RedisTokenBucket(IConnectionMultiplexer redis)
{
    private const string KeyPrefix = "cowaspire:ratelimit:";

    // Redis's own clock (TIME) is the one clock every replica shares. Refill is continuous: rate is tokens per ms.
    private const string TakeScript = """
        local t = redis.call('TIME')
        local now = tonumber(t[1]) * 1000 + math.floor(tonumber(t[2]) / 1000)
        local capacity = tonumber(ARGV[1])
        local rate = tonumber(ARGV[2])
        local state = redis.call('HMGET', KEYS[1], 'tokens', 'at')
        local tokens = tonumber(state[1]) or capacity
        local at = tonumber(state[2]) or now
        tokens = math.min(capacity, tokens + math.max(0, now - at) * rate)
        local allowed = 0
        if tokens >= 1 then
          tokens = tokens - 1
          allowed = 1
        end
        redis.call('HSET', KEYS[1], 'tokens', tostring(tokens), 'at', now)
        redis.call('PEXPIRE', KEYS[1], math.ceil(capacity / rate) + 1000)
        return allowed
        """;

    /// <summary>
    /// Takes a token from <paramref name="policy"/>'s bucket for <paramref name="client"/>. True when allowed — also
    /// when Redis cannot be asked: the request will then meet Redis's absence itself and be answered for that.
    /// </summary>
    public async Task<bool> TryTakeAsync(string policy, string client, TokenBucketLimit limit, CancellationToken cancellationToken)
    {
        try
        {
            var allowed = await redis.GetDatabase().ScriptEvaluateAsync(TakeScript,
                [KeyPrefix + policy + ":" + client],
                [limit.Burst, (limit.PerSecond / 1000).ToString("R", CultureInfo.InvariantCulture)]).WaitAsync(cancellationToken);
            return (long)allowed == 1;
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return true;
        }
    }
}
