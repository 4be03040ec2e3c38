using System.Globalization;
using StackExchange.Redis;

namespace CowAspire.Contracts;

/// <summary>
/// How a quote is published: written (id, history, idempotency key) in one Redis script, then announced on the
/// channel once acknowledged. The Api publishes through it, and so do the fault tests that must publish exactly as
/// the Api does.
/// </summary>
public static class QuotePublishScript
{
    // One script, so the idempotency check, INCR, XADD and remembering the key are atomic: two tries with one key cannot
    // both write, and a gateway that sees id N announced always finds N in history. cjson builds the envelope because the
    // id only exists inside Redis. With nothing to wait for (no replica to confirm), the script announces at once.
    private const string WriteText = EpochScript.EnsureEpoch + """
        local text, publishedAt, historyLength, version, channel, keyLifetime, traceparent, field, announceNow =
          ARGV[2], ARGV[3], ARGV[4], tonumber(ARGV[5]), ARGV[6], ARGV[7], ARGV[8], ARGV[9], ARGV[10]
        if keyLifetime ~= '0' then
          local prior = redis.call('GET', KEYS[5])
          if prior then
            return {prior, 1}
          end
        end
        local id = redis.call('INCR', KEYS[1])
        local envelope = cjson.encode({v = version, id = id, text = text, publishedAt = publishedAt, epoch = epoch,
          traceparent = traceparent ~= '' and traceparent or nil})
        redis.call('XADD', KEYS[2], 'MAXLEN', '=', historyLength, id .. '-0', field, envelope)
        if keyLifetime ~= '0' then
          redis.call('SET', KEYS[5], envelope, 'EX', keyLifetime)
        end
        if announceNow == '1' then

        """ + EpochScript.Announce + """
        end
        return {envelope, 0}
        """;

    // Only this Redis's own copy of the quote is announced: in its epoch (if Redis lost its data since, the quote went
    // with it), and with its text and time under its id (after a failover, a node that never had the write may hold
    // another quote under that id, or none).
    private const string AnnounceText = """
        local id, epoch, channel, field, historyLength, text, publishedAt =
          tonumber(ARGV[1]), ARGV[2], ARGV[3], ARGV[4], ARGV[5], ARGV[6], ARGV[7]
        if redis.call('GET', KEYS[3]) ~= epoch then
          return 0
        end
        local kept = redis.call('XRANGE', KEYS[2], id .. '-0', id .. '-0')
        if #kept == 0 then
          return 0
        end
        local same = false
        for i = 1, #kept[1][2], 2 do
          if kept[1][2][i] == field then
            local quote = cjson.decode(kept[1][2][i + 1])
            same = quote.text == text and quote.publishedAt == publishedAt
          end
        end
        if not same then
          return 0
        end

        """ + EpochScript.Announce + """
        return 1
        """;

    /// <summary>
    /// Writes <paramref name="quote"/>, and announces it at once unless <see cref="QuotePublication.AwaitsAcknowledgement"/>;
    /// with an idempotency key already used within its lifetime, writes nothing and returns that first quote (whatever
    /// its text: comparing is the caller's business).
    /// </summary>
    /// <remarks>On a transaction's <see cref="IDatabaseAsync"/> the task completes once the transaction has run.</remarks>
    public static async Task<QuotePublishOutcome> PublishAsync(IDatabaseAsync database, QuotePublication quote)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(quote);
        var keyLifetime = quote.IdempotencyKey is null ? 0 : (long)Math.Ceiling(quote.IdempotencyKeyLifetime.TotalSeconds);
        var result = (RedisResult[]?)await database.ScriptEvaluateAsync(
            WriteText,
            [.. EpochScript.Keys, QuoteKeys.IdempotencyPrefix + (quote.IdempotencyKey ?? "")],
            [EpochScript.NewEpoch(), quote.Text, quote.PublishedAt.ToString("O", CultureInfo.InvariantCulture), quote.HistoryLength,
                QuoteEnvelope.CurrentVersion, QuoteKeys.ChannelName, keyLifetime, quote.TraceParent ?? "", QuoteKeys.HistoryField,
                quote.AwaitsAcknowledgement ? "0" : "1"]);
        return result is [var envelope, var replayed] && QuoteEnvelope.Parse((string?)envelope) is { } parsed
            ? new QuotePublishOutcome(parsed, (long)replayed == 1)
            : throw new InvalidOperationException("The publish script answered something other than an envelope.");
    }

    /// <summary>
    /// Announces <paramref name="quote"/>, acknowledged since it was written (with every quote before it not yet
    /// announced). False when this Redis does not hold it as written: another epoch, or another quote (or none) under
    /// its id.
    /// </summary>
    public static async Task<bool> AnnounceAsync(IDatabaseAsync database, QuoteEnvelope quote, int historyLength)
    {
        ArgumentNullException.ThrowIfNull(database);
        ArgumentNullException.ThrowIfNull(quote);
        var result = await database.ScriptEvaluateAsync(
            AnnounceText, EpochScript.Keys, [quote.Id, quote.Epoch, QuoteKeys.ChannelName, QuoteKeys.HistoryField, historyLength,
                quote.Text, quote.PublishedAt.ToString("O", CultureInfo.InvariantCulture)]);
        return (long)result == 1;
    }
}
