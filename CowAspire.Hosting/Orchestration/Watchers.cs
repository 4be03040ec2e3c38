using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// Fans items out to watchers (dashboard streams, test waits), each with a bounded queue that drops its oldest
/// item when the watcher lags, so a stuck watcher never grows the AppHost's memory or blocks the publisher.
/// </summary>
internal sealed class Watchers<T>(int capacity)
{
    private readonly List<Channel<T>> _channels = [];

    /// <summary>Held while publishing; a publisher that also keeps a backlog updates it under the same lock.</summary>
    public Lock Gate { get; } = new();

    public void Publish(T item)
    {
        lock (Gate)
        {
            foreach (var channel in _channels)
            {
                channel.Writer.TryWrite(item);
            }
        }
    }

    /// <summary>
    /// <paramref name="backlog"/> (read under <see cref="Gate"/>, so nothing falls between it and the live items),
    /// then every item published until cancelled.
    /// </summary>
    public async IAsyncEnumerable<T> WatchAsync(Func<IReadOnlyList<T>> backlog, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        IReadOnlyList<T> first;
        lock (Gate)
        {
            first = backlog();
            _channels.Add(channel);
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
                _channels.Remove(channel);
            }
        }
    }
}
