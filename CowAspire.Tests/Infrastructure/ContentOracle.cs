using CowAspire.Contracts;
using StackExchange.Redis;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Checks delivery by content, not ids alone: what each client received under an id must be the quote Redis's history
/// holds under it (its <c>publishedAt</c>), so a quote delivered under a reused id shows, however clean the ids look.
/// </summary>
public static class ContentOracle
{
    /// <summary>Every quote history holds now, by id.</summary>
    public static async Task<IReadOnlyDictionary<long, QuoteEnvelope>> ReadHistoryAsync(DistributedApplication app, CancellationToken cancellationToken) =>
        await ReadHistoryAsync((await app.GetConnectionStringAsync("redis", cancellationToken))!);

    /// <summary>Every quote history holds now on the Redis that <paramref name="connectionString"/> names, by id.</summary>
    public static async Task<IReadOnlyDictionary<long, QuoteEnvelope>> ReadHistoryAsync(string connectionString)
    {
        await using var redis = await ConnectionMultiplexer.ConnectAsync(connectionString);
        return await ReadHistoryAsync(redis.GetDatabase());
    }

    /// <summary>Every quote history holds now on <paramref name="database"/>'s Redis, by id.</summary>
    public static async Task<IReadOnlyDictionary<long, QuoteEnvelope>> ReadHistoryAsync(IDatabaseAsync database)
    {
        ArgumentNullException.ThrowIfNull(database);
        return (await database.StreamRangeAsync(QuoteKeys.History))
            .Select(entry => QuoteEnvelope.Parse((string?)entry[QuoteKeys.HistoryField])!)
            .ToDictionary(quote => quote.Id);
    }

    /// <summary>
    /// The client's ids (<paramref name="client"/>, taken before <paramref name="history"/> was read) are consecutive and each quote it received is the one history holds under that id (a quote older
    /// than history's oldest has been trimmed and cannot be checked); with
    /// <paramref name="acknowledged"/>, each of those after the client's first quote reached it.
    /// </summary>
    public static void AssertDeliveredAsPublished(DeliveredSnapshot client, IReadOnlyDictionary<long, QuoteEnvelope> history, string who,
        IEnumerable<QuoteEnvelope>? acknowledged = null)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(history);
        Quotes.AssertConsecutive(client.Ids, who);
        var oldest = history.Count == 0 ? long.MaxValue : history.Keys.Min();
        foreach (var delivered in client.Quotes.Where(q => q.Id >= oldest || history.Count == 0))
        {
            Assert.True(history.TryGetValue(delivered.Id, out var kept) && kept.PublishedAt == delivered.PublishedAt,
                $"{who} received quote {delivered.Id} published {delivered.PublishedAt:O}, but the quote under that id is " +
                (kept is null ? $"in no history (it holds {history.Count} quotes, ids {history.Keys.DefaultIfEmpty().Min()} to {history.Keys.DefaultIfEmpty().Max()})"
                    : $"one published {kept.PublishedAt:O}") + ".");
        }
        if (acknowledged is not null && client.Ids is [var first, ..])
        {
            var received = client.Ids.ToHashSet();
            var missed = acknowledged.Where(q => q.Id > first && !received.Contains(q.Id)).Select(q => q.Id).ToList();
            Assert.True(missed.Count == 0, $"{who} missed acknowledged quotes {string.Join(", ", missed.Take(20))}.");
        }
    }
}
