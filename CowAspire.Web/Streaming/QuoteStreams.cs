using System.Runtime.CompilerServices;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Streaming;

/// <summary>The two streams a client can ask for, as sequences of encoded frames.</summary>
public sealed class QuoteStreams(QuoteBroadcaster broadcaster, QuoteHistory history, IOptions<StreamingOptions> options)
{
    /// <summary>
    /// Every quote after <paramref name="afterId"/> (from history), then every quote as it is published.
    /// The live subscription starts before history is read, so a quote published during the hand-over is
    /// in one or the other; ids already sent are skipped, so none arrives twice.
    /// </summary>
    public async IAsyncEnumerable<EventFrame> LiveAsync(long? afterId, Action cutOff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = broadcaster.Subscribe(cutOff);
        try
        {
            yield return SseFrames.Retry(options.Value.ReconnectDelay);

            var lastSent = afterId ?? 0;
            if (afterId is { } after)
            {
                var missed = await history.RangeAsync(after + 1, long.MaxValue, cancellationToken);
                var firstAvailable = missed.Count > 0 ? missed[0].Id : (long?)null;
                if (firstAvailable > after + 1 || (firstAvailable is null && await history.LatestIdAsync(cancellationToken) > after))
                {
                    yield return QuoteFrames.HistoryGap(after, firstAvailable);
                }
                foreach (var quote in missed)
                {
                    yield return QuoteFrames.Quote(quote);
                    lastSent = quote.Id;
                }
            }

            await foreach (var frame in subscriber.Frames.ReadAllAsync(cancellationToken))
            {
                if (frame.IsQuote)
                {
                    if (frame.QuoteId <= lastSent)
                    {
                        continue;
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

    /// <summary>The next <paramref name="count"/> quotes published, then <c>closeStream</c>.</summary>
    public async IAsyncEnumerable<EventFrame> ShowAsync(int count, Action cutOff, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var subscriber = broadcaster.Subscribe(cutOff);
        try
        {
            var delivered = 0;
            await foreach (var frame in subscriber.Frames.ReadAllAsync(cancellationToken))
            {
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
