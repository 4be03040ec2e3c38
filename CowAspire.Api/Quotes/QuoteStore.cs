using CowAspire.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CowAspire.Api.Quotes;

/// <summary>Publishes quotes through <see cref="QuotePublishScript"/>, and waits for replicas where there are any.</summary>
public sealed class QuoteStore(IConnectionMultiplexer redis, IOptions<QuoteOptions> options, TimeProvider time, QuoteMetrics metrics)
{
    private readonly int _minReplicas = options.Value.MinReplicasToAcknowledge
        ?? (ConfigurationOptions.Parse(redis.Configuration).ServiceName is null ? 0 : 1);

    /// <summary>
    /// Publishes <paramref name="text"/>; with an <paramref name="idempotencyKey"/> already used within
    /// <see cref="QuoteOptions.IdempotencyKeyLifetime"/>, publishes nothing and returns that first quote.
    /// </summary>
    /// <exception cref="IdempotencyKeyReusedException">The key was used for a different text.</exception>
    public async Task<QuotePublishOutcome> PublishAsync(string text, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var span = QuoteTracing.StartPublish();
        try
        {
            var quote = await QuotePublishScript.PublishAsync(redis.GetDatabase(), new QuotePublication(
                text, time.GetUtcNow(), options.Value.HistoryLength, idempotencyKey, options.Value.IdempotencyKeyLifetime,
                QuoteTracing.TraceParentOf(span), AwaitsAcknowledgement: _minReplicas > 0)).WaitAsync(cancellationToken);
            span?.SetTag("messaging.message.id", quote.Quote.EventId);
            if (quote.Replayed && quote.Quote.Text != text)
            {
                throw new IdempotencyKeyReusedException(idempotencyKey!, quote.Quote.Id);
            }
            // A replay waits too: the first try may have been refused for want of a replica, and this one is its retry.
            await AcknowledgeAsync(quote.Quote, cancellationToken);
            if (!quote.Replayed)
            {
                metrics.Published();
            }
            return quote;
        }
        catch (Exception ex)
        {
            span.Failed(ex);
            throw;
        }
    }

    /// <summary>
    /// WAIT until enough replicas hold everything written so far, the quote included, and only then announce it: so a
    /// quote no replica confirmed never reaches a client, and a failover that promotes a replica can neither lose an
    /// announced quote nor give its id to another.
    /// </summary>
    private async Task AcknowledgeAsync(QuoteEnvelope quote, CancellationToken cancellationToken)
    {
        if (_minReplicas == 0)
        {
            return;
        }
        var database = redis.GetDatabase();
        var timeout = (long)options.Value.ReplicationTimeout.TotalMilliseconds;
        var replicas = (long)await database.ExecuteAsync("WAIT", _minReplicas, timeout).WaitAsync(cancellationToken);
        if (replicas < _minReplicas)
        {
            throw new QuoteNotAcknowledgedException(quote.Id,
                $"it reached {replicas} of the {_minReplicas} replica(s) required within the replication timeout");
        }
        if (!await QuotePublishScript.AnnounceAsync(database, quote, options.Value.HistoryLength).WaitAsync(cancellationToken))
        {
            throw new QuoteNotAcknowledgedException(quote.Id, "Redis lost its data before it was announced");
        }
    }

    public async Task<QuoteEnvelope?> FindAsync(long id, CancellationToken cancellationToken)
    {
        var entryId = QuoteKeys.HistoryEntryId(id);
        var entries = await redis.GetDatabase().StreamRangeAsync(QuoteKeys.History, entryId, entryId, count: 1)
            .WaitAsync(cancellationToken);
        return entries is [var entry] ? QuoteEnvelope.Parse((string?)entry[QuoteKeys.HistoryField]) : null;
    }
}
