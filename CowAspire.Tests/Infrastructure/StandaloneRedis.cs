using System.Diagnostics;
using System.Globalization;
using System.Net;
using System.Net.Sockets;
using StackExchange.Redis;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// A real <c>redis-server</c> of the test's own, on a free loopback port, without persistence: for testing the quote
/// scripts against Redis itself without starting the whole app. Killed on dispose.
/// </summary>
public sealed class StandaloneRedis : IAsyncDisposable
{
    private readonly Process _server;

    private StandaloneRedis(Process server, ConnectionMultiplexer connection)
    {
        _server = server;
        Connection = connection;
    }

    public ConnectionMultiplexer Connection { get; }

    public IDatabase Database => Connection.GetDatabase();

    public static async Task<StandaloneRedis> StartAsync()
    {
        int port;
        using (var listener = new TcpListener(IPAddress.Loopback, 0))
        {
            listener.Start();
            port = ((IPEndPoint)listener.LocalEndpoint).Port;
        }
        var server = Process.Start(new ProcessStartInfo("redis-server",
            ["--port", port.ToString(CultureInfo.InvariantCulture), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no"])
        {
            RedirectStandardOutput = true,
        })!;
        // Redis says when it accepts connections; the connection below retries until then.
        var options = ConfigurationOptions.Parse($"127.0.0.1:{port},allowAdmin=true");
        options.AbortOnConnectFail = false;
        var connection = await ConnectionMultiplexer.ConnectAsync(options);
        await Poll.UntilAsync(() => connection.IsConnected, TestConstants.DefaultTimeout, $"redis-server on port {port} accepts connections",
            TestContext.Current.CancellationToken);
        return new StandaloneRedis(server, connection);
    }

    public async ValueTask DisposeAsync()
    {
        await Connection.DisposeAsync();
        _server.Kill();
        await _server.WaitForExitAsync();
        _server.Dispose();
    }
}
