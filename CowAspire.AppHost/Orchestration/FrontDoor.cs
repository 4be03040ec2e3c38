using System.Net;
using System.Net.Sockets;
using CowAspire.AppHost.Hosting;

namespace CowAspire.AppHost.Orchestration;

/// <summary>
/// One port in front of a replicated endpoint: each accepted connection goes to the next serving replica
/// (round robin), and bytes are copied both ways. TCP-level, so TLS and HTTP/2 stay end to end; a replica that
/// is stopping, dead or unhealthy gets no new connections.
/// </summary>
public sealed class FrontDoor : IAsyncDisposable
{
    private readonly EndpointAnnotation _endpoint;
    private readonly Func<IReadOnlyList<ResourceInstance>> _replicas;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _closing = new();
    private Task _accepting = Task.CompletedTask;
    private int _next;

    public FrontDoor(EndpointAnnotation endpoint, int port, Func<IReadOnlyList<ResourceInstance>> replicas)
    {
        _endpoint = endpoint;
        _replicas = replicas;
        _listener = new TcpListener(IPAddress.Loopback, port);
        // Bound at once, so a port that is taken fails the AppHost's start with a clear message.
        _listener.Start();
        Port = ((IPEndPoint)_listener.LocalEndpoint).Port;
    }

    public int Port { get; }

    public void Open() => _accepting = AcceptAsync(_closing.Token);

    private async Task AcceptAsync(CancellationToken cancellationToken)
    {
        while (!cancellationToken.IsCancellationRequested)
        {
            Socket client;
            try
            {
                client = await _listener.AcceptSocketAsync(cancellationToken);
            }
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException or SocketException)
            {
                return;
            }
            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        using var clientStream = new NetworkStream(client, ownsSocket: true);
        if (PickReplica() is not { } replica)
        {
            return;
        }
        using var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        client.NoDelay = true;
        try
        {
            await backend.ConnectAsync(IPAddress.Loopback, replica.Ports[_endpoint.Name], cancellationToken);
            using var backendStream = new NetworkStream(backend, ownsSocket: false);
            using var relay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var up = PumpAsync(clientStream, backendStream, backend, relay.Token);
            var down = PumpAsync(backendStream, clientStream, client, relay.Token);
            // When one side closes, the other is shut down after it has drained what it was sending.
            await Task.WhenAny(up, down);
            await relay.CancelAsync();
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
        }
    }

    private static async Task PumpAsync(Stream from, Stream to, Socket toSocket, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, 16 * 1024, cancellationToken);
            toSocket.Shutdown(SocketShutdown.Send);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    private ResourceInstance? PickReplica()
    {
        var serving = _replicas().Where(r => r.IsServing).ToArray();
        return serving.Length == 0 ? null : serving[(int)((uint)Interlocked.Increment(ref _next) % serving.Length)];
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _listener.Stop();
        await _accepting;
        _closing.Dispose();
    }
}
