using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// One port in front of a replicated endpoint: each accepted connection goes to the next serving replica
/// (round robin), and bytes are copied both ways. TCP-level, so TLS and HTTP/2 stay end to end; a replica that
/// is stopping, dead or unhealthy gets no new connections.
/// </summary>
internal sealed class FrontDoor : IAsyncDisposable
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
        try
        {
            using var backend = await ConnectAsync(cancellationToken);
            if (backend is null)
            {
                return;
            }
            client.NoDelay = true;
            using var backendStream = new NetworkStream(backend, ownsSocket: false);
            using var relay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var up = PumpAsync(clientStream, backendStream, backend, relay.Token);
            var down = PumpAsync(backendStream, clientStream, client, relay.Token);
            // A clean end of one direction is passed on as a half-close and the other direction carries on;
            // a reset (a replica that died) ends both at once.
            if (!await await Task.WhenAny(up, down))
            {
                await relay.CancelAsync();
            }
            await Task.WhenAll(up, down);
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException)
        {
        }
    }

    /// <returns>True when <paramref name="from"/> ended cleanly.</returns>
    private static async Task<bool> PumpAsync(Stream from, Stream to, Socket toSocket, CancellationToken cancellationToken)
    {
        try
        {
            await from.CopyToAsync(to, 16 * 1024, cancellationToken);
            toSocket.Shutdown(SocketShutdown.Send);
            return true;
        }
        catch (Exception ex) when (ex is SocketException or IOException or OperationCanceledException or ObjectDisposedException)
        {
            return false;
        }
    }

    /// <summary>
    /// Connects to the next serving replica; one that refuses (it died a moment ago) is skipped for the next,
    /// so a crash between health probes costs clients nothing. Null when none answers.
    /// </summary>
    private async Task<Socket?> ConnectAsync(CancellationToken cancellationToken)
    {
        var serving = _replicas().Where(r => r.IsServing).ToArray();
        var first = (int)((uint)Interlocked.Increment(ref _next) % Math.Max(1, serving.Length));
        for (var attempt = 0; attempt < serving.Length; attempt++)
        {
            var replica = serving[(first + attempt) % serving.Length];
            var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
            try
            {
                await backend.ConnectAsync(IPAddress.Loopback, replica.Ports[_endpoint.Name], cancellationToken);
                return backend;
            }
            catch (SocketException)
            {
                backend.Dispose();
            }
        }
        return null;
    }

    public async ValueTask DisposeAsync()
    {
        await _closing.CancelAsync();
        _listener.Stop();
        await _accepting;
        _closing.Dispose();
    }
}
