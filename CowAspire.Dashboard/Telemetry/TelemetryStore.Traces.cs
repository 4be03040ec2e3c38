using CowAspire.Hosting.Orchestration;
using OpenTelemetry.Proto.Collector.Trace.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Trace.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>A span as stored: who sent it, from which library, and its place in arrival order.</summary>
internal sealed record StoredSpan(TelemetryResource Resource, InstrumentationScope Scope, Span Span, long Sequence)
{
    public string TraceId { get; } = OtlpJson.Hex(Span.TraceId);

    public bool HasError => Span.Status?.Code == Status.Types.StatusCode.Error;
}

/// <summary>The spans of one trace, as they arrived.</summary>
internal sealed class StoredTrace(string id)
{
    public string Id { get; } = id;

    public List<StoredSpan> Spans { get; } = [];
}

internal sealed partial class TelemetryStore
{
    private readonly Dictionary<string, StoredTrace> _traces = new(StringComparer.Ordinal);
    private readonly Queue<StoredTrace> _traceOrder = new();
    private readonly Watchers<StoredSpan> _spanFollowers;

    public int TraceCount
    {
        get
        {
            lock (_lock)
            {
                return _traces.Count;
            }
        }
    }

    public int SpanCount
    {
        get
        {
            lock (_lock)
            {
                return _traces.Values.Sum(t => t.Spans.Count);
            }
        }
    }

    /// <returns>How many spans were refused (a trace already at <see cref="TelemetryLimitsOptions.MaxSpansPerTrace"/>).</returns>
    public long Add(ExportTraceServiceRequest request)
    {
        long rejected = 0;
        lock (_lock)
        {
            foreach (var resourceSpans in request.ResourceSpans)
            {
                var resource = ResourceOf(resourceSpans.Resource);
                foreach (var scopeSpans in resourceSpans.ScopeSpans)
                {
                    var scope = scopeSpans.Scope ?? new InstrumentationScope();
                    foreach (var span in scopeSpans.Spans)
                    {
                        if (!Add(new StoredSpan(resource, scope, span, ++_sequence)))
                        {
                            rejected++;
                        }
                    }
                }
            }
        }
        return rejected;
    }

    private bool Add(StoredSpan span)
    {
        if (!_traces.TryGetValue(span.TraceId, out var trace))
        {
            trace = new StoredTrace(span.TraceId);
            _traces.Add(trace.Id, trace);
            _traceOrder.Enqueue(trace);
            while (_traces.Count > _limits.MaxTraceCount)
            {
                _traces.Remove(_traceOrder.Dequeue().Id);
            }
        }
        if (trace.Spans.Count >= _limits.MaxSpansPerTrace)
        {
            return false;
        }
        trace.Spans.Add(span);
        _spanFollowers.Publish(span);
        return true;
    }

    /// <summary>The latest <paramref name="limit"/> spans that match, oldest first, and how many matched in all.</summary>
    public (IReadOnlyList<StoredSpan> Spans, int Total) Spans(Func<StoredSpan, bool> predicate, int limit)
    {
        lock (_lock)
        {
            var matching = AllSpans().Where(predicate).OrderBy(s => s.Sequence).ToList();
            return (matching[Math.Max(0, matching.Count - limit)..], matching.Count);
        }
    }

    /// <summary>The latest <paramref name="limit"/> traces that match, oldest first, and how many matched in all.</summary>
    public (IReadOnlyList<StoredTrace> Traces, int Total) Traces(Func<StoredTrace, bool> predicate, int limit)
    {
        lock (_lock)
        {
            var matching = _traceOrder.Where(predicate).ToList();
            return ([.. matching[Math.Max(0, matching.Count - limit)..].Select(Copy)], matching.Count);
        }
    }

    public StoredTrace? Trace(string traceId)
    {
        lock (_lock)
        {
            return _traces.TryGetValue(traceId, out var trace) ? Copy(trace) : null;
        }
    }

    public IAsyncEnumerable<StoredSpan> FollowSpansAsync(Func<StoredSpan, bool> predicate, CancellationToken cancellationToken) =>
        _spanFollowers.WatchAsync(() => [.. AllSpans().Where(predicate).OrderBy(s => s.Sequence)], cancellationToken, predicate);

    private IEnumerable<StoredSpan> AllSpans() => _traceOrder.SelectMany(t => t.Spans);

    /// <summary>A copy to read outside the lock while receivers keep adding spans to the original.</summary>
    private static StoredTrace Copy(StoredTrace trace)
    {
        var copy = new StoredTrace(trace.Id);
        copy.Spans.AddRange(trace.Spans);
        return copy;
    }
}
