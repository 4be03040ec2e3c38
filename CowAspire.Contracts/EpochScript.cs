using System.Security.Cryptography;
using StackExchange.Redis;

namespace CowAspire.Contracts;

/// <summary>
/// The Lua that starts every quote script, so the producer and the gateways agree on what the epoch is. It takes
/// <c>KEYS[1]</c> = <see cref="QuoteKeys.NextId"/>, <c>KEYS[2]</c> = <see cref="QuoteKeys.History"/>, <c>KEYS[3]</c> =
/// <see cref="QuoteKeys.Epoch"/> and <c>ARGV[1]</c> = a fresh candidate epoch (<see cref="NewEpoch"/>), and leaves the
/// epoch in the local <c>epoch</c>.
/// </summary>
internal static class EpochScript
{
    /// <summary>
    /// With no epoch, Redis lost its data (or never had any): a new epoch starts, with history and counter cleared
    /// so its ids start at 1. With an epoch but no counter (evicted or deleted alone), the counter continues from
    /// history's newest id, so publishing never collides with history; with neither, ids could repeat within the
    /// epoch, so a new epoch starts instead.
    /// </summary>
    public const string EnsureEpoch = """
        local epoch = redis.call('GET', KEYS[3])
        if not epoch or redis.call('EXISTS', KEYS[1]) == 0 then
          local newest = redis.call('XREVRANGE', KEYS[2], '+', '-', 'COUNT', 1)
          if epoch and #newest > 0 then
            redis.call('SET', KEYS[1], string.match(newest[1][1], '^(%d+)'))
          else
            epoch = ARGV[1]
            redis.call('SET', KEYS[3], epoch)
            redis.call('DEL', KEYS[2])
            redis.call('SET', KEYS[1], 0)
          end
        end

        """;

    /// <summary>The three keys every quote script starts with, in <see cref="EnsureEpoch"/>'s order.</summary>
    public static readonly RedisKey[] Keys = [QuoteKeys.NextId, QuoteKeys.History, QuoteKeys.Epoch];

    /// <summary>A candidate epoch: 8 lowercase hex digits, used only if Redis has none.</summary>
    public static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
