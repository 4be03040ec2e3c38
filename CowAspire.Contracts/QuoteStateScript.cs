using StackExchange.Redis;

namespace CowAspire.Contracts;

/// <summary>Reads the epoch and the newest id given out in it together (making the epoch if Redis has none yet).</summary>
public static class QuoteStateScript
{
    private const string Text = EpochScript.EnsureEpoch + """
        return {epoch, tonumber(redis.call('GET', KEYS[1]))}
        """;

    public static async Task<QuoteState> ReadAsync(IDatabaseAsync database)
    {
        ArgumentNullException.ThrowIfNull(database);
        var result = (RedisResult[]?)await database.ScriptEvaluateAsync(Text, EpochScript.Keys, [EpochScript.NewEpoch()]);
        return result is [var epoch, var newest]
            ? new QuoteState((string)epoch!, (long)newest)
            : throw new InvalidOperationException("The state script answered something other than an epoch and an id.");
    }
}
