using CowAspire.ServiceDefaults.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CowAspire.Api.Quotes;

/// <summary>Publishes quotes: id, history and channel in one Redis script, so no subscriber can see a quote history lacks.</summary>
public sealed class QuoteStore(IConnectionMultiplexer redis, IOptions<QuoteOptions> options, TimeProvider time)
{
    private readonly int _minReplicas = options.Value.MinReplicasToAcknowledge
        ?? (ConfigurationOptions.Parse(redis.Configuration).ServiceName is null ? 0 : 1);

    // One script, so INCR, XADD and PUBLISH are atomic: a gateway that reads history after seeing id N on
    // the channel always finds N there. cjson builds the envelope because the id only exists inside Redis.
    private const string PublishScript = """
        local id = redis.call('INCR', KEYS[1])
        local envelope = cjson.encode({v = tonumber(ARGV[4]), id = id, text = ARGV[1], publishedAt = ARGV[2]})
        redis.call('XADD', KEYS[2], 'MAXLEN', '=', ARGV[3], id .. '-0', 'e', envelope)
        redis.call('PUBLISH', ARGV[5], envelope)
        return id
        """;

    public async Task<QuoteEnvelope> PublishAsync(string text, CancellationToken cancellationToken)
    {
        var publishedAt = time.GetUtcNow();
        var result = await redis.GetDatabase().ScriptEvaluateAsync(
            PublishScript,
            [QuoteKeys.NextId, QuoteKeys.History],
            [text, publishedAt.ToString("O"), options.Value.HistoryLength, QuoteEnvelope.CurrentVersion, QuoteKeys.ChannelName])
            .WaitAsync(cancellationToken);
        await EnsureReplicatedAsync((long)result, cancellationToken);
        return new QuoteEnvelope(QuoteEnvelope.CurrentVersion, (long)result, text, publishedAt);
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
        try
        {
            return entries is [var entry]
                ? System.Text.Json.JsonSerializer.Deserialize((string)entry["e"]!, QuoteEnvelopeJsonContext.Default.QuoteEnvelope)
                : null;
        }
        catch (System.Text.Json.JsonException)
        {
            // Not an envelope this producer wrote: as good as absent.
            return null;
        }
    }
}

/// <summary>The quote went out but not enough replicas confirmed it in time: it is not acknowledged.</summary>
public sealed class QuoteNotReplicatedException(long id, long replicas, int required)
    : Exception($"Quote {id} reached {replicas} of the {required} replica(s) required within the replication timeout.")
{
    public long Id { get; } = id;
}
