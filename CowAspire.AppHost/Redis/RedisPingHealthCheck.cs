using Microsoft.Extensions.Diagnostics.HealthChecks;
using StackExchange.Redis;

namespace CowAspire.AppHost.Redis;

/// <summary>
/// PING on one node's own port over a connection made on first use and kept, so a probe every few seconds is one
/// round trip. A Sentinel answers only Sentinel's command set, which StackExchange.Redis needs told.
/// </summary>
internal sealed class RedisPingHealthCheck(EndpointReference endpoint, ParameterResource password, bool sentinel) : IHealthCheck, IDisposable
{
    private readonly SemaphoreSlim _connecting = new(1, 1);
    private ConnectionMultiplexer? _connection;

    public async Task<HealthCheckResult> CheckHealthAsync(HealthCheckContext context, CancellationToken cancellationToken = default)
    {
        try
        {
            var connection = await ConnectAsync(cancellationToken);
            var latency = await connection.GetServers()[0].PingAsync().WaitAsync(cancellationToken);
            return HealthCheckResult.Healthy($"PING {latency.TotalMilliseconds:0.0} ms");
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return HealthCheckResult.Unhealthy($"Redis does not answer on port {endpoint.Port}: {ex.GetType().Name}");
        }
    }

    private async Task<ConnectionMultiplexer> ConnectAsync(CancellationToken cancellationToken)
    {
        if (_connection is { } existing)
        {
            return existing;
        }
        await _connecting.WaitAsync(cancellationToken);
        try
        {
            if (_connection is null)
            {
                var options = new ConfigurationOptions
                {
                    EndPoints = { { "127.0.0.1", endpoint.Port } },
                    Password = await password.GetValueAsync(cancellationToken),
                    CommandMap = sentinel ? CommandMap.Sentinel : CommandMap.Default,
                    // Reconnects by itself once the node is back; until then probes fail fast.
                    AbortOnConnectFail = false,
                    ConnectTimeout = 2000,
                    ClientName = "apphost-health",
                };
                _connection = await ConnectionMultiplexer.ConnectAsync(options);
            }
            return _connection;
        }
        finally
        {
            _connecting.Release();
        }
    }

    public void Dispose()
    {
        _connection?.Dispose();
        _connecting.Dispose();
    }
}
