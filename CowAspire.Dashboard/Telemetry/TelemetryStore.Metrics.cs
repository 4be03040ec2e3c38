using Google.Protobuf;
using OpenTelemetry.Proto.Collector.Metrics.V1;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Metrics.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>One instrument of one resource: what it is (the metric without points) and its latest points.</summary>
internal sealed class StoredInstrument(InstrumentationScope scope, Metric description)
{
    public InstrumentationScope Scope { get; set; } = scope;

    /// <summary>Name, unit, description and kind (gauge, sum, histogram…) with temporality, but no points.</summary>
    public Metric Description { get; set; } = description;

    public Queue<IMessage> Points { get; } = new();
}

internal sealed partial class TelemetryStore
{
    private readonly Dictionary<TelemetryResource, ResourceMetrics> _metrics = [];

    public void Add(ExportMetricsServiceRequest request)
    {
        lock (_lock)
        {
            foreach (var resourceMetrics in request.ResourceMetrics)
            {
                var resource = ResourceOf(resourceMetrics.Resource);
                if (!_metrics.TryGetValue(resource, out var metrics))
                {
                    metrics = new ResourceMetrics();
                    _metrics.Add(resource, metrics);
                }
                foreach (var scopeMetrics in resourceMetrics.ScopeMetrics)
                {
                    var scope = scopeMetrics.Scope ?? new InstrumentationScope();
                    foreach (var metric in scopeMetrics.Metrics)
                    {
                        metrics.Add(scope, metric, _limits.MaxMetricPointsPerResource);
                    }
                }
            }
        }
    }

    /// <summary>
    /// Copies of the instruments that match, each with at most its latest <paramref name="limit"/> points, and how
    /// many points they hold in all.
    /// </summary>
    public (IReadOnlyList<(TelemetryResource Resource, StoredInstrument Instrument)> Instruments, int TotalPoints) Instruments(
        Func<TelemetryResource, StoredInstrument, bool> predicate, int limit)
    {
        lock (_lock)
        {
            var found = new List<(TelemetryResource, StoredInstrument)>();
            var total = 0;
            foreach (var (resource, metrics) in _metrics)
            {
                foreach (var instrument in metrics.Instruments.Values.Where(i => predicate(resource, i)))
                {
                    total += instrument.Points.Count;
                    var copy = new StoredInstrument(instrument.Scope, instrument.Description);
                    foreach (var point in instrument.Points.Skip(Math.Max(0, instrument.Points.Count - limit)))
                    {
                        copy.Points.Enqueue(point);
                    }
                    found.Add((resource, copy));
                }
            }
            return (found, total);
        }
    }

    /// <summary>
    /// A resource's instruments, with one queue of arrival order across them: when the resource holds too many
    /// points, the oldest point of any instrument leaves first.
    /// </summary>
    private sealed class ResourceMetrics
    {
        private readonly Queue<StoredInstrument> _arrivals = new();

        public Dictionary<(string Scope, string ScopeVersion, string Name), StoredInstrument> Instruments { get; } = [];

        public int PointCount => _arrivals.Count;

        public void Add(InstrumentationScope scope, Metric metric, int maxPoints)
        {
            var description = metric.Clone();
            var points = TakePoints(description);
            var (scopeName, scopeVersion) = ScopeKey(scope);
            var key = (scopeName, scopeVersion, metric.Name);
            if (!Instruments.TryGetValue(key, out var instrument))
            {
                instrument = new StoredInstrument(scope, description);
                Instruments.Add(key, instrument);
            }
            else if (instrument.Description.DataCase != description.DataCase)
            {
                // The instrument changed kind (a redeployed service): its old points no longer fit.
                instrument.Points.Clear();
            }
            instrument.Scope = scope;
            instrument.Description = description;
            foreach (var point in points)
            {
                instrument.Points.Enqueue(point);
                _arrivals.Enqueue(instrument);
            }
            while (_arrivals.Count > maxPoints)
            {
                var oldest = _arrivals.Dequeue();
                oldest.Points.TryDequeue(out _);
            }
        }

        /// <summary>Moves the points out of the metric, leaving its description.</summary>
        private static List<IMessage> TakePoints(Metric metric)
        {
            List<IMessage> points = metric.DataCase switch
            {
                Metric.DataOneofCase.Gauge => [.. metric.Gauge.DataPoints],
                Metric.DataOneofCase.Sum => [.. metric.Sum.DataPoints],
                Metric.DataOneofCase.Histogram => [.. metric.Histogram.DataPoints],
                Metric.DataOneofCase.ExponentialHistogram => [.. metric.ExponentialHistogram.DataPoints],
                Metric.DataOneofCase.Summary => [.. metric.Summary.DataPoints],
                _ => [],
            };
            metric.Gauge?.DataPoints.Clear();
            metric.Sum?.DataPoints.Clear();
            metric.Histogram?.DataPoints.Clear();
            metric.ExponentialHistogram?.DataPoints.Clear();
            metric.Summary?.DataPoints.Clear();
            return points;
        }
    }
}
