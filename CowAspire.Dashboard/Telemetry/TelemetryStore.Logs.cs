using CowAspire.Hosting.Orchestration;
using OpenTelemetry.Proto.Collector.Logs.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Logs.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>A log record as stored: who sent it, from which logger, and its place in arrival order.</summary>
internal sealed record StoredLog(TelemetryResource Resource, InstrumentationScope Scope, LogRecord Record, long Sequence)
{
    public string TraceId { get; } = OtlpJson.Hex(Record.TraceId);
}

internal sealed partial class TelemetryStore
{
    private readonly Queue<StoredLog> _logs = new();
    private readonly Watchers<StoredLog> _logFollowers;

    public int LogCount
    {
        get
        {
            lock (_lock)
            {
                return _logs.Count;
            }
        }
    }

    public void Add(ExportLogsServiceRequest request)
    {
        lock (_lock)
        {
            foreach (var resourceLogs in request.ResourceLogs)
            {
                var resource = ResourceOf(resourceLogs.Resource);
                foreach (var scopeLogs in resourceLogs.ScopeLogs)
                {
                    var scope = scopeLogs.Scope ?? new InstrumentationScope();
                    foreach (var record in scopeLogs.LogRecords)
                    {
                        var log = new StoredLog(resource, scope, record, ++_sequence);
                        _logs.Enqueue(log);
                        if (_logs.Count > _limits.MaxLogCount)
                        {
                            _logs.Dequeue();
                        }
                        _logFollowers.Publish(log);
                    }
                }
            }
        }
    }

    /// <summary>The latest <paramref name="limit"/> log records that match, oldest first, and how many matched in all.</summary>
    public (IReadOnlyList<StoredLog> Logs, int Total) Logs(Func<StoredLog, bool> predicate, int limit)
    {
        lock (_lock)
        {
            var matching = _logs.Where(predicate).ToList();
            return (matching[Math.Max(0, matching.Count - limit)..], matching.Count);
        }
    }

    public IAsyncEnumerable<StoredLog> FollowLogsAsync(Func<StoredLog, bool> predicate, CancellationToken cancellationToken) =>
        _logFollowers.WatchAsync(() => [.. _logs.Where(predicate)], cancellationToken, predicate);
}
