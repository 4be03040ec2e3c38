using System.Text.Json;
using CowAspire.ServiceDefaults.Contracts;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

/// <summary>Reads the bounded history the producer keeps in a Redis stream.</summary>
public sealed class QuoteHistory(IConnectionMultiplexer redis)
{
    /// <summary>The highest id ever given out, or 0 before the first quote.</summary>
    public async Task<long> LatestIdAsync(CancellationToken cancellationToken)
    {
        var value = await redis.GetDatabase().StringGetAsync(QuoteKeys.NextId).WaitAsync(cancellationToken);
        return value.IsNull ? 0 : (long)value;
    }

    /// <summary>The quotes with ids in [<paramref name="fromId"/>, <paramref name="toId"/>], oldest first.</summary>
    public async Task<IReadOnlyList<QuoteEnvelope>> RangeAsync(long fromId, long toId, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase()
            .StreamRangeAsync(QuoteKeys.History, QuoteKeys.HistoryEntryId(fromId), toId == long.MaxValue ? "+" : QuoteKeys.HistoryEntryId(toId))
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
            return quote is { V: QuoteEnvelope.CurrentVersion, Id: > 0, Text: not null } ? quote : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }
}
