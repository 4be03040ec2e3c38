using System.Runtime.CompilerServices;
using System.Threading.Channels;

namespace CowAspire.AppHost.Orchestration;

/// <summary>
/// A replica's console output: the last <see cref="Capacity"/> lines kept for the dashboard and for failure
/// messages, and a live tail for watchers.
/// </summary>
public sealed class ResourceLogs(string source, Action<LogLine> sink)
{
    public const int Capacity = 2000;

    private readonly Lock _gate = new();
    private readonly Queue<LogLine> _lines = new();
    private readonly List<Channel<LogLine>> _watchers = [];
    private long _sequence;

    public void Write(string text, bool isError)
    {
        LogLine line;
        lock (_gate)
        {
            line = new LogLine(++_sequence, DateTimeOffset.UtcNow, source, isError, text);
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }
            _lines.Enqueue(line);
            foreach (var watcher in _watchers)
            {
                watcher.Writer.TryWrite(line);
            }
        }
        sink(line);
    }

    public IReadOnlyList<LogLine> Snapshot(int? last = null)
    {
        lock (_gate)
        {
            var skip = last is { } n ? Math.Max(0, _lines.Count - n) : 0;
            return [.. _lines.Skip(skip)];
        }
    }

    /// <summary>What is kept, then every new line, until cancelled.</summary>
    public async IAsyncEnumerable<LogLine> WatchAsync([EnumeratorCancellation] CancellationToken cancellationToken)
    {
        // Bounded: a watcher that stops reading loses lines rather than growing the AppHost's memory.
        var channel = Channel.CreateBounded<LogLine>(new BoundedChannelOptions(Capacity) { FullMode = BoundedChannelFullMode.DropOldest });
        IReadOnlyList<LogLine> backlog;
        lock (_gate)
        {
            backlog = [.. _lines];
            _watchers.Add(channel);
        }
        try
        {
            foreach (var line in backlog)
            {
                yield return line;
            }
            await foreach (var line in channel.Reader.ReadAllAsync(cancellationToken))
            {
                yield return line;
            }
        }
        finally
        {
            lock (_gate)
            {
                _watchers.Remove(channel);
            }
        }
    }
}
