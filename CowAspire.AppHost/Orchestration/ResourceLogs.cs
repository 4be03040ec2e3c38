namespace CowAspire.AppHost.Orchestration;

/// <summary>
/// A replica's console output: the last <see cref="Capacity"/> lines kept for the dashboard and for failure
/// messages, and a live tail for watchers.
/// </summary>
public sealed class ResourceLogs(string source, Action<LogLine> sink)
{
    public const int Capacity = 2000;

    private readonly Watchers<LogLine> _watchers = new(Capacity);
    private readonly Queue<LogLine> _lines = new();
    private long _sequence;

    public void Write(string text, bool isError)
    {
        LogLine line;
        lock (_watchers.Gate)
        {
            line = new LogLine(++_sequence, DateTimeOffset.UtcNow, source, isError, text);
            if (_lines.Count == Capacity)
            {
                _lines.Dequeue();
            }
            _lines.Enqueue(line);
            _watchers.Publish(line);
        }
        sink(line);
    }

    public IReadOnlyList<LogLine> Snapshot(int? last = null)
    {
        lock (_watchers.Gate)
        {
            var skip = last is { } n ? Math.Max(0, _lines.Count - n) : 0;
            return [.. _lines.Skip(skip)];
        }
    }

    /// <summary>What is kept, then every new line, until cancelled.</summary>
    public IAsyncEnumerable<LogLine> WatchAsync(CancellationToken cancellationToken) =>
        _watchers.WatchAsync(() => [.. _lines], cancellationToken);
}
