using System.Collections.Concurrent;
using CowAspire.AppHost.Hosting;
using StackExchange.Redis;

namespace CowAspire.AppHost.Orchestration;

/// <summary>One health answer per replica: its HTTP health endpoint, PING for Redis, else "the process runs".</summary>
public sealed class HealthProbe : IAsyncDisposable
{
    private readonly HttpClient _http = new(new SocketsHttpHandler
    {
        ConnectTimeout = TimeSpan.FromSeconds(1),
        PooledConnectionLifetime = TimeSpan.FromMinutes(1),
        UseProxy = false,
    })
    {
        Timeout = TimeSpan.FromSeconds(2),
    };

    private readonly ConcurrentDictionary<RedisResource, Lazy<Task<ConnectionMultiplexer>>> _redis = new();

    public async Task<bool> CheckAsync(ResourceInstance instance, CancellationToken cancellationToken)
    {
        try
        {
            return instance.Resource switch
            {
                { HealthCheck: { } check } => await CheckHttpAsync(instance, check, cancellationToken),
                RedisResource redis => await PingAsync(redis, cancellationToken),
                _ => true,
            };
        }
        catch (Exception ex) when (ex is HttpRequestException or RedisException or TimeoutException or OperationCanceledException)
        {
            // Unreachable, refused or cut short (the replica is stopping): not healthy, whatever the reason.
            return false;
        }
    }

    private async Task<bool> CheckHttpAsync(ResourceInstance instance, HealthCheckAnnotation check, CancellationToken cancellationToken)
    {
        var uri = new Uri(instance.ReplicaUri(check.EndpointName), check.Path);
        using var response = await _http.GetAsync(uri, cancellationToken);
        return response.IsSuccessStatusCode;
    }

    private async Task<bool> PingAsync(RedisResource redis, CancellationToken cancellationToken)
    {
        var connection = await _redis.GetOrAdd(redis, r => new(() => ConnectAsync(r))).Value;
        await connection.GetDatabase().PingAsync().WaitAsync(cancellationToken);
        return true;
    }

    private static Task<ConnectionMultiplexer> ConnectAsync(RedisResource redis)
    {
        var options = ConfigurationOptions.Parse(redis.ConnectionString);
        options.AbortOnConnectFail = false;
        options.ConnectTimeout = 1000;
        options.BacklogPolicy = BacklogPolicy.FailFast;
        options.ClientName = "cowaspire-apphost-health";
        return ConnectionMultiplexer.ConnectAsync(options);
    }

    public async ValueTask DisposeAsync()
    {
        _http.Dispose();
        foreach (var connection in _redis.Values.Where(c => c.IsValueCreated))
        {
            await (await connection.Value).DisposeAsync();
        }
    }
}
