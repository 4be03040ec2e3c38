using System.Threading.Channels;

namespace CowAspire.Web.Streaming;

/// <summary>
/// A share of the gateway's streams with a writer of its own. The broadcaster hands each frame to every lane, and
/// each lane writes it into its own streams on a thread of its own, so one event's N writes are spread over the
/// cores, as nginx's workers each write to their own connections. A stream belongs to one lane, which hands it frames
/// in the order the broadcaster gave them.
/// </summary>
public sealed class FanOutLane
{
    private readonly Lock _gate = new();
    private readonly HashSet<ClientStream> _streams = [];
    // What the writer iterates, copied from the set at most once per frame and only after a change (null until then):
    // copying on every subscribe instead made N clients connecting at once O(N²) in garbage, and the GCs it caused
    // promoted what the connections held at the time.
    private ClientStream[]? _snapshot = [];
    // In order: a frame to offer every stream, or null to cut every stream off.
    private readonly Channel<EventFrame?> _work = Channel.CreateUnbounded<EventFrame?>(new() { SingleReader = true });

    public int Count
    {
        get
        {
            lock (_gate)
            {
                return _streams.Count;
            }
        }
    }

    public void Add(ClientStream stream)
    {
        lock (_gate)
        {
            _streams.Add(stream);
            _snapshot = null;
        }
    }

    public bool Remove(ClientStream stream)
    {
        lock (_gate)
        {
            if (!_streams.Remove(stream))
            {
                return false;
            }
            _snapshot = null;
            return true;
        }
    }

    /// <summary>Every stream added before this call (a stream that has ended since ignores what it is offered).</summary>
    public ClientStream[] Streams()
    {
        lock (_gate)
        {
            return _snapshot ??= [.. _streams];
        }
    }

    /// <summary>Queues <paramref name="frame"/> for every stream of this lane, after what was handed over before.</summary>
    public void Hand(EventFrame frame) => _work.Writer.TryWrite(frame);

    /// <summary>Cuts every stream of this lane off, after the frames handed over before.</summary>
    public void HandCutOff() => _work.Writer.TryWrite(null);

    /// <summary>Writes what is handed over, until <see cref="Complete"/>.</summary>
    public async Task RunAsync()
    {
        await foreach (var frame in _work.Reader.ReadAllAsync())
        {
            foreach (var stream in Streams())
            {
                if (frame is null)
                {
                    stream.CutOff();
                }
                else
                {
                    stream.Offer(frame);
                }
            }
        }
    }

    public void Complete() => _work.Writer.TryComplete();
}
