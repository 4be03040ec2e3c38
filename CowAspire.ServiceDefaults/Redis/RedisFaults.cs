using StackExchange.Redis;

namespace CowAspire.ServiceDefaults.Redis;

/// <summary>What a Redis failure means to a caller, in words a client can act on.</summary>
public static class RedisFaults
{
    /// <summary>
    /// Why Redis could not do what was asked, or null for an exception that is not Redis's (a bug in the caller
    /// should surface as one, not hide behind "unavailable").
    /// </summary>
    public static string? Describe(Exception exception) => exception switch
    {
        // Redis answers writes with "OOM command not allowed when used memory > 'maxmemory'" and keeps serving reads.
        RedisServerException server when server.Message.StartsWith("OOM", StringComparison.Ordinal) =>
            "Redis is out of memory (maxmemory reached) and refuses writes",
        // LOADING, BUSY, READONLY, MASTERDOWN…: the first word is Redis's own error code.
        RedisServerException server => $"Redis refused the command ({server.Message.Split(' ', 2)[0]})",
        RedisException or TimeoutException => "Redis is unavailable",
        _ => null,
    };
}
