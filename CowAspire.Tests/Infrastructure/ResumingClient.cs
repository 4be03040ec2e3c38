namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// A live-feed client that behaves like a browser's EventSource: when its stream ends or breaks it waits the
/// server's <c>retry:</c> and reconnects through DCP's proxy with <c>Last-Event-ID</c>.
/// </summary>
public sealed class ResumingClient : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Lock _gate = new();
    private readonly List<string> _events = [];
    private readonly List<DeliveredQuote> _quotes = [];
    private string? _lastEventId;
    private readonly Task _running;
    private TaskCompletionSource _received = new(TaskCreationOptions.RunContinuationsAsynchronously);

    /// <param name="lastEventId">
    /// Where to start, as a page carrying <c>?lastEventId=</c> would (<c>"0"</c>: everything history holds); null for
    /// live only, which misses what is published before its stream is open.
    /// </param>
    public ResumingClient(Uri frontDoor, string? lastEventId = null)
    {
        _lastEventId = lastEventId;
        _http = new HttpClient(TestHttp.CreateHandler())
        {
            BaseAddress = frontDoor,
            DefaultRequestVersion = System.Net.HttpVersion.Version20,
        };
        _running = RunAsync(_stop.Token);
    }

    public int Connections { get; private set; }

    /// <summary>Every event with an id, as <c>{type} {id}</c>: quotes and resets in the order they came.</summary>
    public IReadOnlyList<string> Events
    {
        get
        {
            lock (_gate)
            {
                return [.. _events];
            }
        }
    }

    /// <summary>Every quote with its content's identity (when it was published), for checks by content, not ids alone.</summary>
    public IReadOnlyList<DeliveredQuote> Quotes
    {
        get
        {
            lock (_gate)
            {
                return [.. _quotes];
            }
        }
    }

    /// <summary>What the client has received so far, ids and quotes taken together.</summary>
    public DeliveredSnapshot Delivered
    {
        get
        {
            lock (_gate)
            {
                return new DeliveredSnapshot([.. _quotes.Select(q => q.Id)], [.. _quotes]);
            }
        }
    }

    public IReadOnlyList<long> Ids
    {
        get
        {
            lock (_gate)
            {
                return [.. _quotes.Select(q => q.Id)];
            }
        }
    }

    public Task WaitForIdAsync(long id, TimeSpan timeout, CancellationToken cancellationToken) =>
        WaitForEventAsync(events => _quotes.Count > 0 && _quotes[^1].Id >= id, $"quote {id}", timeout, cancellationToken);

    /// <summary>Waits until <paramref name="enough"/> holds for <see cref="Events"/> (<c>{type} {id}</c>, in order).</summary>
    public async Task WaitForEventAsync(Func<IReadOnlyList<string>, bool> enough, string what, TimeSpan timeout, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (true)
        {
            Task received;
            lock (_gate)
            {
                if (enough(_events))
                {
                    return;
                }
                received = _received.Task;
            }
            var remaining = deadline - DateTimeOffset.UtcNow;
            if (remaining <= TimeSpan.Zero)
            {
                throw new TimeoutException($"The client did not receive {what} within {timeout.TotalSeconds:0} s; " +
                    $"over {Connections} connections it has: {string.Join(", ", Events.TakeLast(20))}.");
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
                // As EventSource: the id of the last event that had one, quote or not.
                await using var stream = await EventStream.OpenAsync(_http, "/events", cancellationToken, _lastEventId);
                Connections++;
                while (!stream.Ended)
                {
                    var before = stream.Received.Count;
                    await stream.ReadUntilAsync(r => r.Count > before, cancellationToken, Timeout.InfiniteTimeSpan);
                    retry = stream.ReconnectionInterval;
                    foreach (var item in stream.Received.Skip(before).Where(e => e.EventId is { Length: > 0 }))
                    {
                        Add(item);
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

    private void Add(System.Net.ServerSentEvents.SseItem<string> item)
    {
        TaskCompletionSource received;
        lock (_gate)
        {
            _lastEventId = item.EventId;
            _events.Add($"{item.EventType} {item.EventId}");
            if (EventStream.IsQuote(item))
            {
                _quotes.Add(new DeliveredQuote(EventStream.QuoteId(item.EventId!), EventStream.Epoch(item.EventId!), EventStream.PublishedAt(item)));
            }
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
