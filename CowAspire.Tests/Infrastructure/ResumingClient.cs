using System.Globalization;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// A live-feed client that behaves like a browser's EventSource: when its stream ends or breaks it waits the
/// server's <c>retry:</c> and reconnects through the front door with <c>Last-Event-ID</c>.
/// </summary>
public sealed class ResumingClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<long> _ids = [];
    private readonly Task _running;
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public ResumingClient(Uri frontDoor)
    {
        _http = new HttpClient(TestHttp.CreateHandler())
        {
            BaseAddress = frontDoor,
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
        };
        _running = RunAsync(_stop.Token);
    }

    public int Connections { get; private set; }

    public IReadOnlyList<long> Ids
    {
        get
        {
            lock (_gate)
            {
                return [.. _ids];
            }
        }
    }

    public async Task WaitForIdAsync(long id, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Task received;
            lock (_gate)
            {
                if (_ids.Count > 0 && _ids[^1] >= id)
                {
                    return;
                }
                received = _received.Task;
            }
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The client did not receive quote {id} within {timeout.TotalSeconds:0} s; " +
                    $"it has {Ids.Count} quotes (last {(Ids.Count > 0 ? Ids[^1] : 0)}) over {Connections} connections.");
            }
            try
            {
                await received.WaitAsync(remaining, cancellationToken);
            }
            catch (TimeoutException)
            {
            }
        }
    }

    private async Task RunAsync(CancellationToken cancellationToken)
    {
        var retry = TimeSpan.FromSeconds(2);
        while (!cancellationToken.IsCancellationRequested)
        {
            try
            {
                var last = Ids.Count > 0 ? Ids[^1].ToString(CultureInfo.InvariantCulture) : null;
                await using var stream = await EventStream.OpenAsync(_http, "/events", cancellationToken, last);
                Connections++;
                while (!stream.Ended)
                {
                    var before = stream.Received.Count;
                    await stream.ReadUntilAsync(r => r.Count > before, cancellationToken, Timeout.InfiniteTimeSpan);
                    retry = stream.ReconnectionInterval;
                    foreach (var item in stream.Received.Skip(before).Where(e => e.EventType == "quote"))
                    {
                        Add(long.Parse(item.EventId!, CultureInfo.InvariantCulture));
                    }
                }
            }
            catch (Exception ex) when (ex is HttpRequestException or IOException or TimeoutException
                || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
            {
            }
            catch (OperationCanceledException)
            {
                return;
            }
            try
            {
                // The browser's own wait before reconnecting: what the server's retry: asked for.
                await Task.Delay(retry, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Add(long id)
    {
        TaskCompletionSource received;
        lock (_gate)
        {
            _ids.Add(id);
            received = _received;
            _received = new(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        received.TrySetResult();
    }

    public async ValueTask DisposeAsync()
    {
        await _stop.CancelAsync();
        await _running;
        _http.Dispose();
        _stop.Dispose();
    }
}
