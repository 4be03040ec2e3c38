using System.Globalization;
using StackExchange.Redis;

namespace CowAspire.Contracts;

/// <summary>
/// Publishes a quote: id, history and channel in one Redis script, so no subscriber can see a quote history lacks.
/// The Api publishes through it, and so do the fault tests that must publish exactly as the Api does.
/// </summary>
public static class QuotePublishScript
{
    // One script, so the idempotency check, INCR, XADD, PUBLISH and remembering the key are atomic: a gateway that reads
    // history after seeing id N on the channel always finds N there, and two tries with one key cannot both publish.
    // cjson builds the envelope because the id only exists inside Redis.
    private const string Text = EpochScript.EnsureEpoch + """
        local text, publishedAt, historyLength, version, channel, keyLifetime, traceparent, field =
          ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8], ARGV[9]
        if keyLifetime ~= '0' then
          local prior = redis.call('GET', KEYS[4])
          if prior then
            return {prior, 1}
          end
        end
        local id = redis.call('INCR', KEYS[1])
        local envelope = cjson.encode({v = version, id = id, text = text, publishedAt = publishedAt, epoch = epoch,
          traceparent = traceparent ~= '' and traceparent or nil})
        redis.call('XADD', KEYS[2], 'MAXLEN', '=', historyLength, id .. '-0', field, envelope)
        redis.call('PUBLISH', channel, envelope)
        if keyLifetime ~= '0' then
          redis.call('SET', KEYS[4], envelope, 'EX', keyLifetime)
        end
        return {envelope, 0}
        """;

    /// <summary>
    /// Publishes <paramref name="quote"/>; with an idempotency key already used within its lifetime, publishes nothing
    /// and returns that first quote (whatever its text: comparing is the caller's business).
    /// </summary>
    /// <remarks>On a transaction's <see cref="IDatabaseAsync"/> the task completes once the transaction has run.</remarks>
    public static async Task<QuotePublishOutcome> PublishAsync(IDatabaseAsync database, QuotePublication quote)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(quote);
        var keyLifetime = quote.IdempotencyKey is null ? 0 : (long)Math.Ceiling(quote.IdempotencyKeyLifetime.TotalSeconds);
        var result = (RedisResult[]?)await database.ScriptEvaluateAsync(
            Text,
            [.. EpochScript.Keys, QuoteKeys.IdempotencyPrefix + (quote.IdempotencyKey ?? "")],
            [EpochScript.NewEpoch(), quote.Text, quote.PublishedAt.ToString("O", CultureInfo.InvariantCulture), quote.HistoryLength,
                QuoteEnvelope.CurrentVersion, QuoteKeys.ChannelName, keyLifetime, quote.TraceParent ?? "", QuoteKeys.HistoryField]);
        return result is [var envelope, var replayed] && QuoteEnvelope.Parse((string?)envelope) is { } parsed
            ? new QuotePublishOutcome(parsed, (long)replayed == 1)
            : throw new InvalidOperationException("The publish script answered something other than an envelope.");
    }
}
