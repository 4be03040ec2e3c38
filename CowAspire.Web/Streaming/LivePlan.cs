using System.Runtime.CompilerServices;
using CowAspire.Contracts;
using StackExchange.Redis;

namespace CowAspire.Web.Streaming;

/// <summary>
/// The live feed: every quote after the client's Last-Event-ID (from history), then every quote as it is published,
/// in id order and without duplicates. The stream subscribes before the newest id is read, and history is read up to
/// that id only: a quote published during the hand-over is in one or the other, never taken for a gap; ids already
/// sent are skipped. Without a Last-Event-ID, live only.
/// </summary>
public sealed class LivePlan(QuoteEventId? lastEventId, QuoteHistory history, StreamingOptions options, GatewayMetrics metrics) : StreamPlan
{
    // Where this client is: its epoch, and the last id it has (null: it takes the first quote that comes).
    private string? _epoch;
    private long? _lastSent;

    public override async IAsyncEnumerable<EventFrame> OpenAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        yield return Retry();
        if (lastEventId is not { } last)
        {
            yield break;
        }
        if (await ReadStateAsync(cancellationToken) is not { } state)
        {
            // A temporary refusal, as RetryLaterStreamResult's: said why, and the client comes back after retry:.
            yield return SseFrames.Comment("Redis is unavailable, so the stream cannot resume from history yet; retrying.");
            Closing = Retry();
            yield break;
        }
        var point = ResumePoint.From(last, state);
        metrics.Resumed();
        if (point.Reset is { } reason)
        {
            yield return QuoteFrames.Reset(point.Epoch, point.After, reason);
        }
        (_epoch, _lastSent) = (point.Epoch, point.After);
        var pageSize = Math.Min(options.ReplayPageSize, options.ClientQueueCapacity);
        var next = point.After + 1;
        while (next <= point.ReplayTo)
        {
            var page = await ReadPageAsync(next, point.ReplayTo, pageSize, cancellationToken);
            if (page is null)
            {
                // Redis failed mid-replay: end cleanly, and the client resumes from what it has.
                Closing = Retry();
                yield break;
            }
            if (page.Count == 0 || page[0].Id > next)
            {
                yield return QuoteFrames.HistoryGap(next - 1, page.Count > 0 ? page[0].Id : null);
            }
            if (page.Count == 0)
            {
                // History holds none of it any more: the gap event said so, and live quotes follow the newest.
                _lastSent = point.ReplayTo;
                yield break;
            }
            metrics.Backfilled(page.Count, "resume");
            foreach (var quote in page)
            {
                // Replayed, not live: how long the client was away is not the gateway's latency.
                yield return QuoteFrames.Quote(quote) with { PublishedAt = null };
                _lastSent = quote.Id;
            }
            next = page[^1].Id + 1;
        }
    }

    public override bool Admit(EventFrame frame)
    {
        if (frame.IsReset)
        {
            if (frame.Epoch == _epoch)
            {
                return false;
            }
            (_epoch, _lastSent) = (frame.Epoch, 0);
        }
        else if (frame.IsQuote)
        {
            _epoch ??= frame.Epoch;
            if (frame.Epoch != _epoch || frame.QuoteId <= _lastSent)
            {
                // A quote of an epoch this client has left, or one it already has.
                return false;
            }
            if (frame.QuoteId > _lastSent + 1)
            {
                // Never skip an id silently: end the stream, and the client's resume fetches the rest from history.
                Closing = Retry();
                return false;
            }
            _lastSent = frame.QuoteId;
        }
        return true;
    }

    private EventFrame Retry() => SseFrames.JitteredRetry(options.ReconnectDelay);

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
}
