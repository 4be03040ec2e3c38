using CowAspire.Contracts;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

/// <summary>Reads the bounded history the producer keeps in a Redis stream, and the epoch it belongs to.</summary>
public sealed class QuoteHistory(IConnectionMultiplexer redis)
{
    /// <summary>
    /// The epoch and the newest id given out in it, read together (and the epoch made if Redis has none yet, so a
    /// gateway knows it before the first quote).
    /// </summary>
    public Task<QuoteState> ReadStateAsync(CancellationToken cancellationToken) =>
        QuoteStateScript.ReadAsync(redis.GetDatabase()).WaitAsync(cancellationToken);

    /// <summary>At most <paramref name="count"/> quotes with ids in [<paramref name="fromId"/>, <paramref name="toId"/>], oldest first.</summary>
    public async Task<IReadOnlyList<QuoteEnvelope>> RangeAsync(long fromId, long toId, int count, CancellationToken cancellationToken)
    {
        var entries = await redis.GetDatabase()
            .StreamRangeAsync(QuoteKeys.History, QuoteKeys.HistoryEntryId(fromId), QuoteKeys.HistoryEntryId(toId), count)
            .WaitAsync(cancellationToken);
        var quotes = new List<QuoteEnvelope>(entries.Length);
        foreach (var entry in entries)
        {
            if (QuoteEnvelope.Parse((string?)entry[QuoteKeys.HistoryField]) is { } quote)
            {
                quotes.Add(quote);
            }
        }
        return quotes;
    }
}
