using System.Text.Json;
using CowAspire.ServiceDefaults.Contracts;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

/// <summary>Reads the bounded history the producer keeps in a Redis stream, and the epoch it belongs to.</summary>
public sealed class QuoteHistory(IConnectionMultiplexer redis)
{
    /// <summary>
    /// The epoch and the newest id given out in it, read together (and the epoch made if Redis has none yet, so a
    /// gateway knows it before the first quote).
    /// </summary>
    public async Task<HistoryState> ReadStateAsync(CancellationToken cancellationToken)
    {
        var result = (RedisResult[]?)await redis.GetDatabase().ScriptEvaluateAsync(
            QuoteScripts.ReadState, [QuoteKeys.NextId, QuoteKeys.History, QuoteKeys.Epoch], [QuoteScripts.NewEpoch()])
            .WaitAsync(cancellationToken);
        return result is [var epoch, var newest]
            ? new HistoryState((string)epoch!, (long)newest)
            : throw new InvalidOperationException("The state script answered something other than an epoch and an id.");
    }

    /// <summary>At most <paramref name="count"/> quotes with ids in [<paramref name="fromId"/>, <paramref name="toId"/>], oldest first.</summary>
    public async Task<IReadOnlyList<QuoteEnvelope>> RangeAsync(long fromId, long toId, int count, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase()
            .StreamRangeAsync(QuoteKeys.History, QuoteKeys.HistoryEntryId(fromId), QuoteKeys.HistoryEntryId(toId), count)
            .WaitAsync(cancellationToken);
        var quotes = new List<QuoteEnvelope>(entries.Length);
        foreach (var entry in entries)
        {
            if (Parse(entry["e"]) is { } quote)
            {
                quotes.Add(quote);
            }
        }
        return quotes;
    }

    /// <summary>Parses an envelope; null for one this gateway cannot read (another version, or damaged).</summary>
    public static QuoteEnvelope? Parse(RedisValue payload)
    {
        if (payload.IsNullOrEmpty)
        {
            return null;
        }
        try
        {
            var quote = JsonSerializer.Deserialize((string)payload!, QuoteEnvelopeJsonContext.Default.QuoteEnvelope);
            return quote is { V: QuoteEnvelope.CurrentVersion, Id: > 0, Text: not null, Epoch.Length: > 0 } ? quote : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}

/// <param name="Newest">The newest id given out in <paramref name="Epoch"/>; 0 before its first quote.</param>
public sealed record HistoryState(string Epoch, long Newest);
