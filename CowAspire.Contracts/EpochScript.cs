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
            redis.call('SET', KEYS[4], 0)
          end
        end

        """;

    /// <summary>The four keys every quote script starts with, in <see cref="EnsureEpoch"/>'s order.</summary>
    public static readonly RedisKey[] Keys = [QuoteKeys.NextId, QuoteKeys.History, QuoteKeys.Epoch, QuoteKeys.Announced];

    /// <summary>
    /// Announces quote <c>id</c>: publishes on the channel, from history and in id order, every quote after the
    /// newest announced up to <c>id</c>, and makes <c>id</c> the newest announced. Only run once <c>id</c> is
    /// acknowledged, which also acknowledges every id before it (a replica that holds a write holds all before it),
    /// so what it publishes is never a quote a failover could take back. A later quote announced first takes the
    /// earlier ones with it, and an earlier one announced late publishes nothing: ids go out once and in order.
    /// Needs the locals <c>id</c>, <c>channel</c>, <c>field</c> and <c>historyLength</c>.
    /// </summary>
    public const string Announce = """
        local announced = tonumber(redis.call('GET', KEYS[4]) or (id - 1))
        if id > announced then
          redis.call('SET', KEYS[4], id)
          local from = math.max(announced + 1, id - tonumber(historyLength) + 1)
          for _, entry in ipairs(redis.call('XRANGE', KEYS[2], from .. '-0', id .. '-0')) do
            local fields = entry[2]
            for i = 1, #fields, 2 do
              if fields[i] == field then
                redis.call('PUBLISH', channel, fields[i + 1])
              end
            end
          end
        end

        """;

    /// <summary>A candidate epoch: 8 lowercase hex digits, used only if Redis has none.</summary>
    public static string NewEpoch() => Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(4));
}
