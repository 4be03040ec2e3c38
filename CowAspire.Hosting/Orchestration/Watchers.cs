using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// Fans items out to watchers (dashboard streams, test waits), each with a bounded queue that drops its oldest
/// item when the watcher lags, so a stuck watcher never grows the AppHost's memory or blocks the publisher.
/// </summary>
/// <param name="gate">The publisher's own lock, when it already holds one around its backlog (re-entered by <see cref="Publish"/>).</param>
internal sealed class Watchers<T>(int capacity, Lock? gate = null)
{
    private readonly List<(Channel<T> Channel, Func<T, bool>? Filter)> _channels = [];

    /// <summary>Held while publishing; a publisher that also keeps a backlog updates it under the same lock.</summary>
    public Lock Gate { get; } = gate ?? new();

    public void Publish(T item)
    {
        lock (Gate)
        {
            foreach (var (channel, filter) in _channels)
            {
                if (filter is null || filter(item))
                {
                    channel.Writer.TryWrite(item);
                }
            }
        }
    }

    /// <summary>
    /// <paramref name="backlog"/> (read under <see cref="Gate"/>, so nothing falls between it and the live items),
    /// then every item published until cancelled; with <paramref name="filter"/>, only the items it takes are queued,
    /// so a watcher of rare items does not lose them to a flood of others.
    /// </summary>
    public async IAsyncEnumerable<T> WatchAsync(
        Func<IReadOnlyList<T>> backlog, [EnumeratorCancellation] CancellationToken cancellationToken, Func<T, bool>? filter = null)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        IReadOnlyList<T> first;
        lock (Gate)
        {
            first = backlog();
            _channels.Add((channel, filter));
        }
        try
        {
            foreach (var item in first)
            {
                yield return item;
            }
            await foreach (var item in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return item;
            }
        }
        finally
        {
            lock (Gate)
            {
                _channels.Remove((channel, filter));
            }
        }
    }
}
