using System.Buffers;
using System.Net;
using System.Net.Sockets;
using Aspire.Hosting.ApplicationModel;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// One port in front of a proxied endpoint: each accepted connection goes to the next serving replica (round robin),
/// and bytes are copied both ways. TCP-level, so TLS and HTTP/2 stay end to end; a replica that is stopping, dead or
/// not yet ready gets no new connections.
/// </summary>
/// <remarks>
/// A hostile client must not take the AppHost (and every resource with it) down, so the front door holds what a
/// client costs to a bound: connections are counted against a budget below the process's descriptor limit and
/// refused past it; a connection that sends nothing within <see cref="FirstByteTimeout"/> is closed before any
/// replica is dialled; when either side closes, both are closed; and small socket buffers keep a client that stops
/// reading from parking megabytes in the kernel, so the replica's own slow-client cut-off applies through the door.
/// </remarks>
internal sealed class FrontDoor : IAsyncDisposable
{
    public static readonly TimeSpan FirstByteTimeout = TimeSpan.FromSeconds(10);

    /// <summary>Per direction, in the kernel: enough for a stream of events, too little to hide a stalled reader.</summary>
    private const int SocketBufferBytes = 64 * 1024;

    private const int RelayBufferBytes = 16 * 1024;

    private readonly EndpointAnnotation _endpoint;
    private readonly Func<IReadOnlyList<ResourceInstance>> _replicas;
    private readonly ConnectionBudget _budget;
    private readonly TcpListener _listener;
    private readonly CancellationTokenSource _closing = new();
    private Task _accepting = Task.CompletedTask;
    private int _next;

    public FrontDoor(EndpointAnnotation endpoint, int port, Func<IReadOnlyList<ResourceInstance>> replicas, ConnectionBudget budget)
    {
        _endpoint = endpoint;
        _replicas = replicas;
        _budget = budget;
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
            catch (Exception ex) when (ex is OperationCanceledException or ObjectDisposedException)
            {
                return;
            }
            catch (SocketException)
            {
                // Out of descriptors for a moment (EMFILE), or a connection reset before it was accepted: go on.
                continue;
            }
            if (!_budget.TryTake())
            {
                // Over budget: refuse at once (a reset, no lingering state) rather than queue what cannot be served.
                client.LingerState = new LingerOption(true, 0);
                client.Dispose();
                continue;
            }
            _ = RelayAsync(client, cancellationToken);
        }
    }

    private async Task RelayAsync(Socket client, CancellationToken cancellationToken)
    {
        try
        {
            using (client)
            {
                client.NoDelay = true;
                client.SendBufferSize = SocketBufferBytes;
                using (var handshake = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
                {
                    handshake.CancelAfter(FirstByteTimeout);
                    await client.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, handshake.Token);
                }
                if (client.Available == 0)
                {
                    // Readable with nothing to read: the client closed before saying anything; no replica is dialled.
                    return;
                }
                using var backend = await ConnectAsync(cancellationToken);
                if (backend is null)
                {
                    return;
                }
                using var relay = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                var up = PumpAsync(client, backend, relay.Token);
                var down = PumpAsync(backend, client, relay.Token);
                // HTTP does not rely on half-closed connections: when either side is done, so is the other, and both
                // descriptors are released.
                await Task.WhenAny(up, down);
                await relay.CancelAsync();
                await Task.WhenAll(up, down);
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
        finally
        {
            _budget.Return();
        }
    }

    /// <summary>
    /// Copies until either side ends. Waits for data with a zero-byte receive and holds a pooled buffer only while
    /// bytes are in flight, so thousands of idle event streams cost the AppHost no buffer memory.
    /// </summary>
    private static async Task PumpAsync(Socket from, Socket to, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                await from.ReceiveAsync(Memory<byte>.Empty, SocketFlags.None, cancellationToken);
                var buffer = ArrayPool<byte>.Shared.Rent(RelayBufferBytes);
                try
                {
                    var read = await from.ReceiveAsync(buffer, SocketFlags.None, cancellationToken);
                    if (read == 0)
                    {
                        return;
                    }
                    await to.SendAsync(buffer.AsMemory(0, read), SocketFlags.None, cancellationToken);
                }
                finally
                {
                    ArrayPool<byte>.Shared.Return(buffer);
                }
            }
        }
        catch (Exception ex) when (ex is SocketException or OperationCanceledException or ObjectDisposedException)
        {
        }
    }

    /// <summary>
    /// Connects to the next serving replica; one that refuses (it died a moment ago) is skipped for the next,
    /// so a crash between health probes costs clients nothing. Null when none answers.
    /// </summary>
    private async Task<Socket?> ConnectAsync(CancellationToken cancellationToken)
    {
        var replicas = _replicas();
        var serving = replicas.Where(r => r.IsServing).ToArray();
        if (serving.Length == 0)
        {
            // One replica just died and the other's last probe timed out while it took the first one's clients:
            // dial what ran healthy in this run before turning the client away with a reset.
            serving = replicas.Where(r => r.HasServed).ToArray();
        }
        var first = (int)((uint)Interlocked.Increment(ref _next) % Math.Max(1, serving.Length));
        for (var attempt = 0; attempt < serving.Length; attempt++)
        {
            var replica = serving[(first + attempt) % serving.Length];
            var backend = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp)
            {
                NoDelay = true,
                ReceiveBufferSize = SocketBufferBytes,
            };
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

/// <summary>
/// How many client connections all front doors may hold at once: each costs two descriptors (client and replica),
/// so the budget stays below the process's open-file limit with room for everything else the AppHost opens.
/// </summary>
internal sealed class ConnectionBudget(int capacity)
{
    private const int ReservedDescriptors = 1024;
    private int _available = capacity;

    public int Capacity { get; } = capacity;

    /// <summary>From <c>RLIMIT_NOFILE</c> (as /proc reports it), capped at <paramref name="max"/>.</summary>
    public static ConnectionBudget FromDescriptorLimit(int max = 20_000)
    {
        var limit = OpenFileLimit() ?? 4096;
        return new ConnectionBudget(Math.Clamp((limit - ReservedDescriptors) / 2, 16, max));
    }

    public bool TryTake()
    {
        while (true)
        {
            var available = Volatile.Read(ref _available);
            if (available <= 0)
            {
                return false;
            }
            if (Interlocked.CompareExchange(ref _available, available - 1, available) == available)
            {
                return true;
            }
        }
    }

    public void Return() => Interlocked.Increment(ref _available);

    private static int? OpenFileLimit()
    {
        try
        {
            var line = File.ReadLines("/proc/self/limits").FirstOrDefault(l => l.StartsWith("Max open files", StringComparison.Ordinal));
            var soft = line?["Max open files".Length..].Split(' ', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault();
            return int.TryParse(soft, out var value) ? value : null;
        }
        catch (IOException)
        {
            return null;
        }
    }
}
