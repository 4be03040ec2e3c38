using System.IO.Pipelines;
using System.Threading.Channels;
using CowAspire.Contracts;
using CowAspire.ServiceDefaults.Telemetry;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

/// <summary>
/// The gateway's one Redis subscription, fanned out to every connected client. Each quote is encoded once and
/// the same bytes are written to every client stream. Quotes go out in id order, without duplicates; a gap in ids
/// (a dropped or reconnected subscription) is filled from history before going on; a new epoch (Redis lost its
/// data) is announced to every client with a <c>reset</c> before its first quote.
/// </summary>
public sealed class QuoteBroadcaster(
    IConnectionMultiplexer redis,
    QuoteHistory history,
    IOptions<StreamingOptions> options,
    GatewayMetrics metrics,
    TimeProvider time,
    IHostApplicationLifetime lifetime,
    ILogger<QuoteBroadcaster> logger) : BackgroundService
{
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BackfillRetryDelay = TimeSpan.FromMilliseconds(250);
    private const int BackfillAttempts = 8;

    private readonly Lock _gate = new();
    private readonly HashSet<ClientStream> _streams = [];
    // What a fan-out iterates, copied from the set at most once per fan-out and only after a change (null until then):
    // copying on every (un)subscribe instead made N clients connecting at once O(N²) in garbage, and the GCs it caused
    // promoted what the connections held at the time.
    private ClientStream[]? _snapshot = [];
    private bool _stopping;
    // Redis delivers in order into this inbox at once (a pub/sub client that lags is dropped by Redis);
    // a null entry asks for a catch-up from history after a reconnect.
    private readonly Channel<RedisValue?> _inbox = Channel.CreateUnbounded<RedisValue?>(new() { SingleReader = true });
    // Known once the subscription is confirmed (see SynchronizeAsync); only the inbox's one reader touches these.
    private string? _epoch;
    private long _lastId;
    private readonly HashSet<string> _retiredEpochs = [];
    private bool _synchronized;
    private readonly Action<EventFrame> _recordLatency = frame =>
    {
        if (frame.PublishedAt is { } publishedAt)
        {
            metrics.PublishToWrite(publishedAt, time.GetUtcNow());
        }
    };

    /// <summary>
    /// A new client stream, written from here on: frames offered while its opening runs wait for it. When the gateway
    /// is stopping, the stream ends at once with a <c>retry:</c>.
    /// </summary>
    /// <param name="abort">How to end the client's stream at once (it fell too far behind).</param>
    public ClientStream Subscribe(StreamPlan plan, PipeWriter writer, Action abort)
    {
        var stream = new ClientStream(plan, writer, options.Value.ClientQueueCapacity, abort,
            metrics.SampleThisStream() ? _recordLatency : null);
        bool stopping;
        lock (_gate)
        {
            _streams.Add(stream);
            _snapshot = null;
            stopping = _stopping;
        }
        metrics.StreamOpened();
        if (stopping)
        {
            stream.Stop(ShutdownRetry());
        }
        return stream;
    }

    public void Unsubscribe(ClientStream stream)
    {
        ArgumentNullException.ThrowIfNull(stream);
        lock (_gate)
        {
            _streams.Remove(stream);
            _snapshot = null;
        }
        stream.Stop();
        metrics.StreamClosed(stream.Overflowed);
        if (stream.Overflowed)
        {
            logger.ClientFellBehind(options.Value.ClientQueueCapacity);
        }
    }

    public void BroadcastHeartbeat()
    {
        foreach (var stream in Streams())
        {
            stream.OfferHeartbeat(SseFrames.Heartbeat);
        }
    }

    /// <summary>
    /// The gateway is stopping: every stream ends with a jittered <c>retry:</c>, so clients come back to another
    /// replica, spread over a whole delay instead of all at once.
    /// </summary>
    private void StopStreams()
    {
        ClientStream[] streams;
        lock (_gate)
        {
            _stopping = true;
            streams = StreamsLocked();
        }
        foreach (var stream in streams)
        {
            stream.Stop(ShutdownRetry());
        }
    }

    /// <summary>Every stream subscribed before this call (a stream that has ended since ignores what it is offered).</summary>
    private ClientStream[] Streams()
    {
        lock (_gate)
        {
            return StreamsLocked();
        }
    }

    private ClientStream[] StreamsLocked() => _snapshot ??= [.. _streams];

    private EventFrame ShutdownRetry() => SseFrames.JitteredRetry(options.Value.ReconnectDelay);

    /// <summary>
    /// True once the subscription is confirmed and the epoch and newest id are known: from then on no quote can pass
    /// this gateway unchecked. The readiness check reports it, so nothing that honours readiness (a Kubernetes Service)
    /// sends a client here before.
    /// </summary>
    public bool IsSynchronized => Volatile.Read(ref _synchronized);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        using var stopping = lifetime.ApplicationStopping.Register(StopStreams);
        var queue = await SubscribeAsync(stoppingToken);
        if (queue is null)
        {
            return;
        }
        // Ahead of every message: the newest id is read after the subscription is confirmed, so each quote is either
        // at most that id or arrives on the channel; none passes unseen.
        _inbox.Writer.TryWrite(null);
        queue.OnMessage(message => _inbox.Writer.TryWrite(message.Message));
        redis.ConnectionFailed += OnConnectionFailed;
        redis.ConnectionRestored += OnConnectionRestored;
        try
        {
            await foreach (var payload in _inbox.Reader.ReadAllAsync(stoppingToken))
            {
                try
                {
                    await HandleAsync(payload, stoppingToken);
                }
                catch (Exception ex) when (ex is not OperationCanceledException)
                {
                    // One bad message must not stop the gateway's only subscription.
                    logger.MessageFailed(ex);
                }
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
        finally
        {
            redis.ConnectionFailed -= OnConnectionFailed;
            redis.ConnectionRestored -= OnConnectionRestored;
            await queue.UnsubscribeAsync();
        }
    }

    private async Task<ChannelMessageQueue?> SubscribeAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                var queue = await redis.GetSubscriber().SubscribeAsync(QuoteKeys.Channel);
                logger.Subscribed(QuoteKeys.ChannelName);
                return queue;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                // Start without Redis and keep trying: health reports it meanwhile.
                logger.SubscribeFailed(ex.Message);
                try
                {
                    await Task.Delay(ResubscribeDelay, stoppingToken);
                }
                catch (OperationCanceledException)
                {
                    return null;
                }
            }
        }
        return null;
    }

    private void OnConnectionFailed(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            Volatile.Write(ref _synchronized, false);
        }
    }

    private void OnConnectionRestored(object? sender, ConnectionFailedEventArgs e)
    {
        if (e.ConnectionType == ConnectionType.Subscription)
        {
            _inbox.Writer.TryWrite(null);
        }
    }

    private async Task HandleAsync(RedisValue? payload, CancellationToken cancellationToken)
    {
        if (payload is not { } message)
        {
            await SynchronizeAsync(cancellationToken);
            return;
        }

        if (QuoteEnvelope.Parse((string?)message) is not { } quote)
        {
            logger.UnreadableEnvelope(message.ToString().Length);
            return;
        }
        if (_retiredEpochs.Contains(quote.Epoch))
        {
            // Published before Redis lost its data, and read after this gateway learnt so.
            return;
        }
        if (quote.Epoch != _epoch)
        {
            StartEpoch(quote.Epoch);
        }
        if (quote.Id <= _lastId)
        {
            return;
        }
        if (quote.Id > _lastId + 1)
        {
            logger.GapDetected(_lastId, quote.Id);
            await BackfillAsync(_lastId + 1, quote.Id - 1, cancellationToken);
        }
        Broadcast(quote);
    }

    /// <summary>
    /// Learns the epoch and the newest id, after the subscription is (re)confirmed: the first time, that is where this
    /// gateway starts; afterwards, what was published meanwhile is sent from history (from the new epoch's first id
    /// when Redis lost its data). Retried until Redis answers; quotes wait in the inbox meanwhile.
    /// </summary>
    private async Task SynchronizeAsync(CancellationToken cancellationToken)
    {
        QuoteState state;
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                state = await history.ReadStateAsync(cancellationToken);
                break;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.BackfillFailed(_lastId + 1, attempt, ex.Message);
                await Task.Delay(ResubscribeDelay, cancellationToken);
            }
        }

        if (_epoch is null)
        {
            (_epoch, _lastId) = (state.Epoch, state.Announced);
            logger.Synchronized(state.Epoch, state.Announced);
        }
        else
        {
            if (state.Epoch != _epoch)
            {
                StartEpoch(state.Epoch);
            }
            if (state.Announced > _lastId)
            {
                logger.CatchingUp(_lastId);
                await BackfillAsync(_lastId + 1, state.Announced, cancellationToken);
            }
        }
        Volatile.Write(ref _synchronized, true);
    }

    /// <summary>Redis lost its data: every client is told, and ids start again from 1 in the new epoch.</summary>
    private void StartEpoch(string epoch)
    {
        logger.EpochChanged(_epoch ?? "(none)", epoch);
        if (_epoch is not null)
        {
            _retiredEpochs.Add(_epoch);
        }
        (_epoch, _lastId) = (epoch, 0);
        var reset = QuoteFrames.Reset(epoch, 0, "Redis lost its data; ids start again in a new epoch.");
        foreach (var stream in Streams())
        {
            stream.Offer(reset);
        }
    }

    /// <summary>
    /// Sends the quotes from <paramref name="fromId"/> to <paramref name="toId"/> from history, a page at a time. When
    /// history cannot be read, or no longer holds them all, every client is cut off instead of silently skipping
    /// ahead: each resumes with its own Last-Event-ID, and gets what it missed from history or is told that history
    /// no longer reaches back.
    /// </summary>
    private async Task BackfillAsync(long fromId, long toId, CancellationToken cancellationToken)
    {
        var next = fromId;
        for (var attempt = 1; next <= toId;)
        {
            try
            {
                var quotes = await history.RangeAsync(next, toId, options.Value.ReplayPageSize, cancellationToken);
                // History ids are consecutive (trimming only drops the oldest), so the first one tells whether all are there.
                if (quotes.Count == 0 || quotes[0].Id != next)
                {
                    logger.HistoryTooShort(next);
                    break;
                }
                foreach (var quote in quotes)
                {
                    Broadcast(quote);
                }
                metrics.Backfilled(quotes.Count, "gap");
                next = quotes[^1].Id + 1;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.BackfillFailed(next, attempt, ex.Message);
                if (attempt++ == BackfillAttempts)
                {
                    break;
                }
                await Task.Delay(BackfillRetryDelay, cancellationToken);
            }
        }
        if (next <= toId)
        {
            CutOffEveryone();
            // Clients resume from history on their own; this gateway goes on from the newest it was asked for.
            _lastId = toId;
        }
    }

    private void CutOffEveryone()
    {
        foreach (var stream in Streams())
        {
            stream.CutOff();
        }
    }

    private void Broadcast(QuoteEnvelope quote)
    {
        var streams = Streams();
        // One span per quote per replica, a child of the publish span through the envelope; never one per client.
        using var span = QuoteTracing.StartFanOut(quote.TraceParent, quote.Id, streams.Length);
        var frame = QuoteFrames.Quote(quote);
        // Each offer writes and flushes into the client's response on this thread (or queues, for a client whose
        // flush is still pending): one fan-out is N writes, not N task wake-ups.
        foreach (var stream in streams)
        {
            stream.Offer(frame);
        }
        _lastId = quote.Id;
        metrics.QuoteBroadcast(streams.Length);
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _inbox.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
