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

    private readonly Lock _gate = new();
    // Copy-on-write: the hot path reads the array without a lock; only (un)subscribing takes one.
    private StreamSubscriber[] _subscribers = [];
    // Redis delivers in order into this inbox at once (a pub/sub client that lags is dropped by Redis);
    // a null entry asks for a catch-up from history after a reconnect.
    private readonly Channel<RedisValue?> _inbox = Channel.CreateUnbounded<RedisValue?>(new() { SingleReader = true });
    private long _lastId;

    public int SubscriberCount => Volatile.Read(ref _subscribers).Length;

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
                await HandleAsync(payload, stoppingToken);
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
            logger.CatchingUp(_lastId);
            await BackfillAsync(_lastId + 1, long.MaxValue, cancellationToken);
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

    private async Task BackfillAsync(long fromId, long toId, CancellationToken cancellationToken)
    {
        if (_lastId == 0)
        {
            // Nothing was broadcast yet, so nobody can have missed anything.
            return;
        }
        try
        {
            foreach (var quote in await history.RangeAsync(fromId, toId, cancellationToken))
            {
                if (quote.Id > _lastId)
                {
                    Broadcast(quote);
                }
            }
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            logger.BackfillFailed(fromId, ex.Message);
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
