using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace Aspire.Hosting;

/// <summary>Healthy when the server answers PING; one connection for the app's life, made on first use.</summary>
internal sealed class RedisHealthCheck(RedisResource redis) : IHealthCheck, IAsyncDisposable
{
    private Task<ConnectionMultiplexer>? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            _connection ??= ConnectAsync();
            var connection = await _connection.WaitAsync(cancellationToken);
            await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy();
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"PING failed: {ex.Message}");
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync()
    {
        var options = ConfigurationOptions.Parse(await redis.GetConnectionStringAsync() ?? "");
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
