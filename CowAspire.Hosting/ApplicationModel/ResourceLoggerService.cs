using System.Runtime.CompilerServices;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Logging;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// Every resource instance's console output: the last <see cref="Capacity"/> lines of each kept for the dashboard and
/// for failure messages, and a live tail for watchers. A resource name with replicas covers all of them.
/// </summary>
public class ResourceLoggerService
{
    internal const int Capacity = 2000;

    private readonly Watchers<ResourceLogEntry> _watchers = new(Capacity);
    private readonly Dictionary<string, Queue<ResourceLogEntry>> _lines = new(StringComparer.OrdinalIgnoreCase);
    private readonly Dictionary<string, string> _resourceOf = new(StringComparer.OrdinalIgnoreCase);
    private long _sequence;

    /// <summary>Every line any resource writes, as it is written.</summary>
    internal event Action<ResourceLogEntry>? LineWritten;

    /// <summary>The backlog of <paramref name="resourceName"/>, then every new line, in batches, until the enumeration is cancelled.</summary>
    public IAsyncEnumerable<IReadOnlyList<LogLine>> WatchAsync(string resourceName) => WatchCoreAsync(resourceName, follow: true);

    public IAsyncEnumerable<IReadOnlyList<LogLine>> WatchAsync(IResource resource) => WatchAsync(resource.Name);

    /// <summary>What is kept of <paramref name="resourceName"/>'s output, then the enumeration ends.</summary>
    public IAsyncEnumerable<IReadOnlyList<LogLine>> GetAllAsync(string resourceName) => WatchCoreAsync(resourceName, follow: false);

    public IAsyncEnumerable<IReadOnlyList<LogLine>> GetAllAsync(IResource resource) => GetAllAsync(resource.Name);

    /// <summary>A logger whose entries become lines of the resource's output.</summary>
    public ILogger GetLogger(string resourceName) => new ResourceLogger(this, resourceName);

    public ILogger GetLogger(IResource resource) => GetLogger(resource.Name);

    public void ClearBacklog(string resourceName)
    {
        lock (_watchers.Gate)
        {
            foreach (var id in Matching(resourceName))
            {
                _lines[id].Clear();
            }
        }
    }

    internal void Register(string resourceId, string resourceName)
    {
        lock (_watchers.Gate)
        {
            _lines.TryAdd(resourceId, new Queue<ResourceLogEntry>());
            _resourceOf[resourceId] = resourceName;
        }
    }

    internal void Write(string resourceId, string text, bool isError)
    {
        ResourceLogEntry entry;
        lock (_watchers.Gate)
        {
            if (!_lines.TryGetValue(resourceId, out var lines))
            {
                _lines[resourceId] = lines = new Queue<ResourceLogEntry>();
            }
            entry = new ResourceLogEntry(++_sequence, DateTimeOffset.UtcNow, resourceId, isError, text);
            if (lines.Count == Capacity)
            {
                lines.Dequeue();
            }
            lines.Enqueue(entry);
            _watchers.Publish(entry);
        }
        LineWritten?.Invoke(entry);
    }

    /// <summary>The last <paramref name="count"/> lines (all when null) of the instances <paramref name="resourceName"/> names, oldest first.</summary>
    internal IReadOnlyList<ResourceLogEntry> Snapshot(string resourceName, int? count = null)
    {
        lock (_watchers.Gate)
        {
            var all = Matching(resourceName).SelectMany(id => _lines[id]).OrderBy(l => l.Sequence).ToList();
            return count is { } n && all.Count > n ? all[^n..] : all;
        }
    }

    internal IEnumerable<LogLine> Tail(string resourceId, int count) =>
        Snapshot(resourceId, count).Select((l, i) => new LogLine(i + 1, l.Text, l.IsError));

    /// <summary>Each entry of <paramref name="resourceName"/>'s instances: the backlog, then live ones until cancelled.</summary>
    internal async IAsyncEnumerable<ResourceLogEntry> WatchEntriesAsync(string resourceName, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        HashSet<string> ids;
        lock (_watchers.Gate)
        {
            ids = Matching(resourceName).ToHashSet(StringComparer.OrdinalIgnoreCase);
        }
        var entries = _watchers.WatchAsync(
            () => [.. ids.SelectMany(id => _lines[id]).OrderBy(l => l.Sequence)], cancellationToken);
        await foreach (var entry in entries)
        {
            if (ids.Contains(entry.ResourceId))
            {
                yield return entry;
            }
        }
    }

    private async IAsyncEnumerable<IReadOnlyList<LogLine>> WatchCoreAsync(string resourceName, bool follow, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var backlog = Snapshot(resourceName);
        var lineNumber = 0;
        if (backlog.Count > 0)
        {
            yield return [.. backlog.Select(l => new LogLine(++lineNumber, l.Text, l.IsError))];
        }
        if (!follow)
        {
            yield break;
        }
        var last = backlog.Count > 0 ? backlog[^1].Sequence : 0;
        await foreach (var entry in WatchEntriesAsync(resourceName, cancellationToken))
        {
            if (entry.Sequence > last)
            {
                yield return [new LogLine(++lineNumber, entry.Text, entry.IsError)];
            }
        }
    }

    private IEnumerable<string> Matching(string resourceName) =>
        _lines.Keys.Where(id => string.Equals(id, resourceName, StringComparison.OrdinalIgnoreCase)
            || (_resourceOf.TryGetValue(id, out var name) && string.Equals(name, resourceName, StringComparison.OrdinalIgnoreCase)));

    private sealed class ResourceLogger(ResourceLoggerService service, string resourceName) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            service.Write(resourceName, formatter(state, exception) + (exception is null ? "" : $"{Environment.NewLine}{exception}"), logLevel >= LogLevel.Error);
    }
}

/// <summary>One line of a resource instance's output, with when and in which order it was written.</summary>
internal sealed record ResourceLogEntry(long Sequence, DateTimeOffset Timestamp, string ResourceId, bool IsError, string Text);
