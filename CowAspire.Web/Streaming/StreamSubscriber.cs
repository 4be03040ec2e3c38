using System.Threading.Channels;

namespace CowAspire.Web.Streaming;

/// <summary>
/// One connected client's bounded queue of frames. The broadcaster never waits on it: a client that falls
/// <see cref="StreamingOptions.ClientQueueCapacity"/> frames behind is cut off (it reconnects and resumes from
/// history) so that one slow reader never slows the others or grows the gateway's memory.
/// </summary>
public sealed class StreamSubscriber
{
    private readonly Channel<EventFrame> _queue;
    private readonly Action _cutOff;

    /// <param name="cutOff">
    /// Ends the client's stream at once. A client that stopped reading has a write pending that would never
    /// complete, so the queue alone cannot end its stream: the connection's stream is aborted instead.
    /// </param>
    public StreamSubscriber(int capacity, Action cutOff)
    {
        _cutOff = cutOff;
        _queue = Channel.CreateBounded<EventFrame>(new BoundedChannelOptions(capacity)
        {
            SingleReader = true,
            SingleWriter = false,
            FullMode = BoundedChannelFullMode.Wait,
        });
    }

    /// <summary>True once the queue overflowed; the stream then ends after the frames already queued.</summary>
    public bool Overflowed { get; private set; }

    public ChannelReader<EventFrame> Frames => _queue.Reader;

    /// <summary>Queues a quote; on overflow the subscriber is completed instead of blocking the caller.</summary>
    public void Offer(EventFrame frame)
    {
        if (!_queue.Writer.TryWrite(frame) && _queue.Writer.TryComplete())
        {
            Overflowed = true;
            _cutOff();
        }
    }

    /// <summary>Ends the stream now, so the client resumes from history (after a gap the gateway could not fill).</summary>
    public void CutOff()
    {
        if (_queue.Writer.TryComplete())
        {
            _cutOff();
        }
    }

    /// <summary>Queues a heartbeat when there is room; a full queue has data waiting, so it needs none.</summary>
    public void OfferHeartbeat(EventFrame heartbeat) => _queue.Writer.TryWrite(heartbeat);

    public void Complete() => _queue.Writer.TryComplete();
}
