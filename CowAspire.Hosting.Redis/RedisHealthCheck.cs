using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Aspire.Hosting;

/// <summary>Healthy when the server (or the Sentinel) answers PING; one connection for the app's life, made on first use.</summary>
internal sealed class RedisHealthCheck(Func<string> connectionString, bool sentinel) : IHealthCheck, IAsyncDisposable
{
    private Task<ConnectionMultiplexer>? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _connection ??= ConnectAsync();
            var connection = await _connection.WaitAsync(cancellationToken);
            var server = connection.GetServers()[0];
            await server.PingAsync().WaitAsync(cancellationToken);
            if (sentinel)
            {
                // A Sentinel is of use once it knows a replica it could promote (it learns of them every 10 s).
                var replicas = (RedisResult[])(await server.ExecuteAsync("SENTINEL", "replicas", RedisSentinel.MasterName).WaitAsync(cancellationToken))!;
                if (replicas.Length == 0)
                {
                    return HealthCheckResult.Unhealthy($"It knows no replica of '{RedisSentinel.MasterName}' yet, so it could not fail over.");
                }
            }
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"PING failed: {ex.Message}");
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(connectionString());
        if (sentinel)
        {
            options.CommandMap = CommandMap.Sentinel;
            options.TieBreaker = "";
        }
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName = "cowaspire-apphost-health";
        return await ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        if (_connection is { IsCompletedSuccessfully: true } connection)
        {
            await connection.Result.DisposeAsync();
        }
    }
}
