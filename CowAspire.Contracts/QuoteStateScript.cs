using StackExchange.Redis;

namespace CowAspire.Contracts;

/// <summary>
/// Reads the epoch, the newest id announced in it and the newest given out, together (making the epoch if Redis has
/// none yet). Without an announced id (data from before announcing existed) every id given out counts as announced.
/// </summary>
public static class QuoteStateScript
{
    private const string Text = EpochScript.EnsureEpoch + """
        local newest = tonumber(redis.call('GET', KEYS[1]))
        return {epoch, tonumber(redis.call('GET', KEYS[4]) or newest), newest}
        """;

    public static async Task<QuoteState> ReadAsync(IDatabaseAsync database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var result = (RedisResult[]?)await database.ScriptEvaluateAsync(Text, EpochScript.Keys, [EpochScript.NewEpoch()]);
        return result is [var epoch, var announced, var newest]
            ? new QuoteState((string)epoch!, (long)announced, (long)newest)
            : throw new InvalidOperationException("The state script answered something other than an epoch and two ids.");
    }
}
