using System.Threading.Channels;
using CowAspire.ServiceDefaults.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

/// <summary>
/// The gateway's one Redis subscription, fanned out to every connected client. Each quote is encoded once and
/// the same bytes are queued to every subscriber. Quotes go out in id order, without duplicates; a gap in ids
/// (a dropped or reconnected subscription) is filled from history before going on.
/// </summary>
public sealed class QuoteBroadcaster(
    IConnectionMultiplexer redis,
    QuoteHistory history,
    IOptions<StreamingOptions> options,
    GatewayMetrics metrics,
    ILogger<QuoteBroadcaster> logger) : BackgroundService
{
    private static readonly TimeSpan ResubscribeDelay = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan BackfillRetryDelay = TimeSpan.FromMilliseconds(250);
    private const int BackfillAttempts = 8;

    private readonly Lock _gate = new();
    // Copy-on-write: the hot path reads the array without a lock; only (un)subscribing takes one.
    private StreamSubscriber[] _subscribers = [];
    // Redis delivers in order into this inbox at once (a pub/sub client that lags is dropped by Redis);
    // a null entry asks for a catch-up from history after a reconnect.
    private readonly Channel<RedisValue?> _inbox = Channel.CreateUnbounded<RedisValue?>(new() { SingleReader = true });
    private long _lastId;

    /// <param name="cutOff">How to end the client's stream when it falls too far behind.</param>
    public StreamSubscriber Subscribe(Action cutOff)
    {
        var subscriber = new StreamSubscriber(options.Value.ClientQueueCapacity, cutOff);
        lock (_gate)
        {
            _subscribers = [.. _subscribers, subscriber];
        }
        metrics.StreamOpened();
        return subscriber;
    }

    public void Unsubscribe(StreamSubscriber subscriber)
    {
        lock (_gate)
        {
            _subscribers = Array.FindAll(_subscribers, s => s != subscriber);
        }
        subscriber.Complete();
        metrics.StreamClosed(subscriber.Overflowed);
        if (subscriber.Overflowed)
        {
            logger.ClientFellBehind(options.Value.ClientQueueCapacity);
        }
    }

    public void BroadcastHeartbeat()
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.OfferHeartbeat(SseFrames.Heartbeat);
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var queue = await SubscribeAsync(stoppingToken);
        if (queue is null)
        {
            return;
        }
        queue.OnMessage(message => _inbox.Writer.TryWrite(message.Message));
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
            if (_lastId > 0)
            {
                logger.CatchingUp(_lastId);
                await BackfillAsync(_lastId + 1, null, cancellationToken);
            }
            return;
        }

        if (QuoteHistory.Parse(message) is not { } quote)
        {
            logger.UnreadableEnvelope(message.ToString().Length);
            return;
        }
        if (quote.Id <= _lastId)
        {
            return;
        }
        if (_lastId > 0 && quote.Id > _lastId + 1)
        {
            logger.GapDetected(_lastId, quote.Id);
            await BackfillAsync(_lastId + 1, quote.Id - 1, cancellationToken);
        }
        Broadcast(quote);
    }

    /// <summary>
    /// Sends the quotes from <paramref name="fromId"/> to <paramref name="toId"/> (to the newest when null) from
    /// history. When history cannot be read, or no longer holds them all, every client is cut off instead of
    /// silently skipping ahead: each resumes with its own Last-Event-ID, and gets what it missed from history or
    /// is told that history no longer reaches back.
    /// </summary>
    private async Task BackfillAsync(long fromId, long? toId, CancellationToken cancellationToken)
    {
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                var quotes = await history.RangeAsync(fromId, toId ?? long.MaxValue, cancellationToken);
                // History ids are consecutive (trimming only drops the oldest), so the ends tell whether all are there.
                var startsRight = quotes.Count == 0 ? toId is null : quotes[0].Id == fromId;
                var endsRight = toId is not { } last || (quotes.Count > 0 && quotes[^1].Id == last);
                if (startsRight && endsRight)
                {
                    foreach (var quote in quotes)
                    {
                        Broadcast(quote);
                    }
                    return;
                }
                logger.HistoryTooShort(fromId);
                break;
            }
            catch (Exception ex) when (ex is RedisException or TimeoutException)
            {
                logger.BackfillFailed(fromId, attempt, ex.Message);
                if (attempt == BackfillAttempts)
                {
                    break;
                }
                await Task.Delay(BackfillRetryDelay, cancellationToken);
            }
        }
        CutOffEveryone();
    }

    private void CutOffEveryone()
    {
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.CutOff();
        }
    }

    private void Broadcast(QuoteEnvelope quote)
    {
        var frame = QuoteFrames.Quote(quote);
        foreach (var subscriber in Volatile.Read(ref _subscribers))
        {
            subscriber.Offer(frame);
        }
        _lastId = quote.Id;
        metrics.QuoteBroadcast();
    }

    public override async Task StopAsync(CancellationToken cancellationToken)
    {
        _inbox.Writer.TryComplete();
        await base.StopAsync(cancellationToken);
    }
}
