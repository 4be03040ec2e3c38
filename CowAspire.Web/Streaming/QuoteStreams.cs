using System.Runtime.CompilerServices;
using CowAspire.Contracts;
using Microsoft.Extensions.Options;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

/// <summary>The two streams a client can ask for, as sequences of encoded frames.</summary>
public sealed class QuoteStreams(QuoteBroadcaster broadcaster, QuoteHistory history, IOptions<StreamingOptions> options, GatewayMetrics metrics)
{
    /// <summary>
    /// Every quote after <paramref name="lastEventId"/> (from history), then every quote as it is published.
    /// The live subscription starts before the newest id is read, and history is read up to that id only: a quote
    /// published during the hand-over is in one or the other, never taken for a gap; ids already sent are skipped,
    /// so none arrives twice. Without <paramref name="lastEventId"/>, live only.
    /// </summary>
    public async IAsyncEnumerable<EventFrame> LiveAsync(QuoteEventId? lastEventId, Action cutOff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = broadcaster.Subscribe(cutOff);
        try
        {
            yield return SseFrames.Retry(SseFrames.Jittered(options.Value.ReconnectDelay));

            ResumePoint? resume = null;
            if (lastEventId is { } last)
            {
                if (await ReadStateAsync(cancellationToken) is not { } state)
                {
                    // A temporary refusal, as RetryLaterStreamResult's: said why, and the client comes back after retry:.
                    yield return SseFrames.Comment("Redis is unavailable, so the stream cannot resume from history yet; retrying.");
                    yield return SseFrames.Retry(SseFrames.Jittered(options.Value.ReconnectDelay));
                    yield break;
                }
                resume = ResumePoint.From(last, state);
                metrics.Resumed();
            }

            // Where this client is: its epoch, and the last id it has (null: it takes the first quote that comes).
            string? epoch = null;
            long? lastSent = null;
            if (resume is { } point)
            {
                if (point.Reset is { } reason)
                {
                    yield return QuoteFrames.Reset(point.Epoch, point.After, reason);
                }
                (epoch, lastSent) = (point.Epoch, point.After);
                // Subscribed before the newest id was read (by the caller), so every quote after it is queued; history
                // is read up to it only, and a quote published meanwhile is not mistaken for a gap.
                var pageSize = Math.Min(options.Value.ReplayPageSize, options.Value.ClientQueueCapacity);
                while (lastSent < point.ReplayTo)
                {
                    var page = await ReadPageAsync(lastSent.Value + 1, point.ReplayTo, pageSize, cancellationToken);
                    if (page is null)
                    {
                        // Redis failed mid-replay: end cleanly, and the client resumes from what it has.
                        yield return SseFrames.Retry(SseFrames.Jittered(options.Value.ReconnectDelay));
                        yield break;
                    }
                    if (page.Count == 0 || page[0].Id > lastSent + 1)
                    {
                        yield return QuoteFrames.HistoryGap(lastSent.Value, page.Count > 0 ? page[0].Id : null);
                    }
                    if (page.Count == 0)
                    {
                        // History holds none of it any more: the gap event said so, and live quotes follow the newest.
                        lastSent = point.ReplayTo;
                        break;
                    }
                    metrics.Backfilled(page.Count, "resume");
                    foreach (var quote in page)
                    {
                        // Replayed, not live: how long the client was away is not the gateway's latency.
                        yield return QuoteFrames.Quote(quote) with { PublishedAt = null };
                        lastSent = quote.Id;
                    }
                }
            }

            await foreach (var frame in subscriber.Frames.ReadAllAsync(cancellationToken))
            {
                if (frame.IsReset)
                {
                    if (frame.Epoch == epoch)
                    {
                        continue;
                    }
                    (epoch, lastSent) = (frame.Epoch, 0);
                }
                else if (frame.IsQuote)
                {
                    epoch ??= frame.Epoch;
                    if (frame.Epoch != epoch || frame.QuoteId <= lastSent)
                    {
                        // A quote of an epoch this client has left, or one it already has.
                        continue;
                    }
                    if (frame.QuoteId > lastSent + 1)
                    {
                        // Never skip an id silently: end the stream, and the client's resume fetches the rest from history.
                        yield return SseFrames.Retry(SseFrames.Jittered(options.Value.ReconnectDelay));
                        yield break;
                    }
                    lastSent = frame.QuoteId;
                }
                yield return frame;
            }
        }
        finally
        {
            broadcaster.Unsubscribe(subscriber);
        }
    }

    private async Task<QuoteState?> ReadStateAsync(CancellationToken cancellationToken)
    {
        try
        {
            return await history.ReadStateAsync(cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    private async Task<IReadOnlyList<QuoteEnvelope>?> ReadPageAsync(long fromId, long toId, int count, CancellationToken cancellationToken)
    {
        try
        {
            return await history.RangeAsync(fromId, toId, count, cancellationToken);
        }
        catch (Exception ex) when (ex is RedisException or TimeoutException)
        {
            return null;
        }
    }

    /// <summary>The next <paramref name="count"/> quotes published, then <c>closeStream</c>.</summary>
    public async IAsyncEnumerable<EventFrame> ShowAsync(int count, Action cutOff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = broadcaster.Subscribe(cutOff);
        try
        {
            var delivered = 0;
            await foreach (var frame in subscriber.Frames.ReadAllAsync(cancellationToken))
            {
                if (frame.IsReset)
                {
                    // A show is a show, not a ledger: it has no ids to resume from, so an epoch means nothing to it.
                    continue;
                }
                yield return frame;
                if (frame.IsQuote && ++delivered == count)
                {
                    yield return QuoteFrames.Close(delivered);
                    yield break;
                }
            }
        }
        finally
        {
            broadcaster.Unsubscribe(subscriber);
        }
    }
}
