using System.Collections.Concurrent;
using Microsoft.Extensions.Options;

namespace CowAspire.Web.Limits;

/// <summary>Counts open streams, in total and per client address, and refuses those over the caps.</summary>
public sealed class StreamAdmission(IOptions<WebLimitOptions> options)
{
    private readonly ConcurrentDictionary<string, int> _byAddress = new();
    private int _total;

    /// <returns>A lease to dispose when the stream ends, or null with the reason in <paramref name="refusal"/>.</returns>
    public IDisposable? TryAdmit(string address, out StreamRefusal refusal)
    {
        refusal = StreamRefusal.None;
        if (Interlocked.Increment(ref _total) > options.Value.MaxStreams)
        {
            Interlocked.Decrement(ref _total);
            refusal = StreamRefusal.GatewayFull;
            return null;
        }
        if (_byAddress.AddOrUpdate(address, 1, (_, count) => count + 1) > options.Value.MaxStreamsPerAddress)
        {
            Release(address);
            refusal = StreamRefusal.AddressFull;
            return null;
        }
        return new Lease(this, address);
    }

    private void Release(string address)
    {
        Interlocked.Decrement(ref _total);
        // Remove the entry at zero so the map holds only addresses with open streams.
        if (_byAddress.AddOrUpdate(address, 0, (_, count) => count - 1) <= 0)
        {
            _byAddress.TryRemove(KeyValuePair.Create(address, 0));
        }
    }

    private sealed class Lease(StreamAdmission admission, string address) : IDisposable
    {
        private int _released;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _released, 1) == 0)
            {
                admission.Release(address);
            }
        }
    }
}
