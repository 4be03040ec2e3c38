using System.Globalization;
using System.Text.Json;
using CowAspire.ServiceDefaults.Contracts;
using CowAspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CowAspire.Api.Quotes;

/// <summary>Publishes quotes: id, history and channel in one Redis script, so no subscriber can see a quote history lacks.</summary>
public sealed class QuoteStore(IConnectionMultiplexer redis, IOptions<QuoteOptions> options, TimeProvider time, QuoteMetrics metrics)
{
    private readonly int _minReplicas = options.Value.MinReplicasToAcknowledge
        ?? (ConfigurationOptions.Parse(redis.Configuration).ServiceName is null ? 0 : 1);

    // One script, so the idempotency check, INCR, XADD, PUBLISH and remembering the key are atomic: a gateway that reads
    // history after seeing id N on the channel always finds N there, and two tries with one key cannot both publish.
    // cjson builds the envelope because the id only exists inside Redis. KEYS[4] is the idempotency key's Redis key
    // (unused when ARGV[7] is '0'); ARGV[8] is the publish span's traceparent, or ''. Public for fault tests, which publish exactly as the Api does.
    public const string PublishScript = QuoteScripts.EnsureEpoch + """
        if ARGV[7] ~= '0' then
          local prior = redis.call('GET', KEYS[4])
          if prior then
            return {prior, 1}
          end
        end
        local id = redis.call('INCR', KEYS[1])
        local envelope = cjson.encode({v = tonumber(ARGV[5]), id = id, text = ARGV[2], publishedAt = ARGV[3], epoch = epoch,
          traceparent = ARGV[8] ~= '' and ARGV[8] or nil})
        redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[4], id .. '-0', 'e', envelope)
        redis.call('PUBLISH', ARGV[6], envelope)
        if ARGV[7] ~= '0' then
          redis.call('SET', KEYS[4], envelope, 'EX', ARGV[7])
        end
        return {envelope, 0}
        """;

    /// <summary>
    /// Publishes <paramref name="text"/>; with an <paramref name="idempotencyKey"/> already used within
    /// <see cref="QuoteOptions.IdempotencyKeyLifetime"/>, publishes nothing and returns that first quote.
    /// </summary>
    /// <exception cref="IdempotencyKeyReusedException">The key was used for a different text.</exception>
    public async Task<PublishResult> PublishAsync(string text, string? idempotencyKey, CancellationToken cancellationToken)
    {
        using var span = QuoteTracing.StartPublish(QuoteKeys.ChannelName);
        try
        {
            var lifetime = idempotencyKey is null ? 0 : (long)Math.Ceiling(options.Value.IdempotencyKeyLifetime.TotalSeconds);
            var result = (RedisResult[]?)await redis.GetDatabase().ScriptEvaluateAsync(
                PublishScript,
                [QuoteKeys.NextId, QuoteKeys.History, QuoteKeys.Epoch, QuoteKeys.IdempotencyPrefix + (idempotencyKey ?? "")],
                [QuoteScripts.NewEpoch(), text, time.GetUtcNow().ToString("O", CultureInfo.InvariantCulture), options.Value.HistoryLength,
                    QuoteEnvelope.CurrentVersion, QuoteKeys.ChannelName, lifetime, QuoteTracing.TraceParentOf(span) ?? ""])
                .WaitAsync(cancellationToken);
            var quote = result is [var envelope, var replayed] && Parse((string?)envelope) is { } parsed
                ? new PublishResult(parsed, (long)replayed == 1)
                : throw new InvalidOperationException("The publish script answered something other than an envelope.");
            span?.SetTag("messaging.message.id", quote.Quote.EventId);
            if (quote.Replayed && quote.Quote.Text != text)
            {
                throw new IdempotencyKeyReusedException(idempotencyKey!, quote.Quote.Id);
            }
            // A replay waits too: the first try may have been refused for want of a replica, and this one is its retry.
            await EnsureReplicatedAsync(quote.Quote.Id, cancellationToken);
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
    /// WAIT until enough replicas hold everything written so far on this connection, the quote included: only then is
    /// it acknowledged, so promoting a replica after the primary is lost cannot lose it, nor make ids go back.
    /// </summary>
    private async Task EnsureReplicatedAsync(long id, CancellationToken cancellationToken)
    {
        if (_minReplicas == 0)
        {
            return;
        }
        var timeout = (long)options.Value.ReplicationTimeout.TotalMilliseconds;
        var replicas = (long)await redis.GetDatabase().ExecuteAsync("WAIT", _minReplicas, timeout).WaitAsync(cancellationToken);
        if (replicas < _minReplicas)
        {
            throw new QuoteNotReplicatedException(id, replicas, _minReplicas);
        }
    }

    public async Task<QuoteEnvelope?> FindAsync(long id, CancellationToken cancellationToken)
    {
        var entryId = QuoteKeys.HistoryEntryId(id);
        var entries = await redis.GetDatabase().StreamRangeAsync(QuoteKeys.History, entryId, entryId, count: 1)
            .WaitAsync(cancellationToken);
        return entries is [var entry] ? Parse((string?)entry["e"]) : null;
    }

    private static QuoteEnvelope? Parse(string? json)
    {
        try
        {
            return json is null ? null : JsonSerializer.Deserialize(json, QuoteEnvelopeJsonContext.Default.QuoteEnvelope);
        }
        catch (JsonException)
        {
            // Not an envelope this producer wrote: as good as absent.
            return null;
        }
    }
}

/// <param name="Replayed">True when an earlier publish with the same Idempotency-Key is returned instead.</param>
public sealed record PublishResult(QuoteEnvelope Quote, bool Replayed);

/// <summary>The quote went out but not enough replicas confirmed it in time: it is not acknowledged.</summary>
public sealed class QuoteNotReplicatedException(long id, long replicas, int required)
    : Exception($"Quote {id} reached {replicas} of the {required} replica(s) required within the replication timeout.")
{
    public long Id { get; } = id;
}

/// <summary>An Idempotency-Key already published a different quote.</summary>
public sealed class IdempotencyKeyReusedException(string key, long id)
    : Exception($"Idempotency-Key '{key}' already published quote {id}, with a different text.")
{
    public long Id { get; } = id;
}
