using StackExchange.Redis;

namespace CowAspire.Contracts;

/// <summary>The Redis names the producer writes and the gateways read.</summary>
public static class QuoteKeys
{
    /// <summary>INCR counter that gives every quote its id.</summary>
    public static readonly RedisKey NextId = "cowaspire:quotes:id";

    /// <summary>Stream of envelopes whose entry ids are <c>{quoteId}-0</c>, trimmed to the history length.</summary>
    public static readonly RedisKey History = "cowaspire:quotes:history";

    /// <summary>
    /// The epoch: a random name for the lifetime of Redis's data. Made when missing (a fresh or flushed Redis), so a
    /// quote id is only meaningful together with it.
    /// </summary>
    public static readonly RedisKey Epoch = "cowaspire:quotes:epoch";

    /// <summary>
    /// The newest id announced on the channel. Readers take history only up to it: a quote written but not yet
    /// acknowledged (a replica has not confirmed it) may vanish in a failover, and its id be given to another quote.
    /// </summary>
    public static readonly RedisKey Announced = "cowaspire:quotes:announced";

    /// <summary>Prefix of the keys that remember a publish by its Idempotency-Key.</summary>
    public const string IdempotencyPrefix = "cowaspire:quotes:idempotency:";

    public const string ChannelName = "cowaspire:quotes";

    public static readonly RedisChannel Channel = RedisChannel.Literal(ChannelName);

    /// <summary>The field of a history entry that holds the envelope.</summary>
    public static readonly RedisValue HistoryField = "e";

    /// <summary>The history entry id of a quote id.</summary>
    public static RedisValue HistoryEntryId(long quoteId) => $"{quoteId}-0";
}
