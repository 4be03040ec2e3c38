using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Options;
using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// Everything the dashboard received over OTLP, in memory and bounded (<see cref="TelemetryLimitsOptions"/>): the
/// oldest logs, traces and metric points leave first. One lock guards it all; the receivers hold it only to append,
/// the API only to copy out what it returns.
/// </summary>
internal sealed partial class TelemetryStore
{
    private readonly Lock _lock = new();
    private readonly TelemetryLimitsOptions _limits;
    private readonly Dictionary<(string Name, string InstanceId), TelemetryResource> _resources = [];
    private long _sequence;

    public TelemetryStore(IOptions<TelemetryLimitsOptions> options)
    {
        _limits = options.Value;
        // Followers of the API (follow=true) share the store's lock, so what was stored before one started and what
        // arrives after reach it exactly once; a slow follower loses its oldest items, never blocks a receiver.
        _spanFollowers = new(_limits.FollowQueueCapacity, _lock);
        _logFollowers = new(_limits.FollowQueueCapacity, _lock);
    }

    public IReadOnlyList<TelemetryResource> Resources
    {
        get
        {
            lock (_lock)
            {
                return [.. _resources.Values];
            }
        }
    }

    public bool KnowsResource(string name) => Resources.Any(r => r.Matches(name));

    /// <summary>Must be called under the lock.</summary>
    private TelemetryResource ResourceOf(Resource? proto)
    {
        var identity = TelemetryResource.IdentityOf(proto);
        if (!_resources.TryGetValue(identity, out var resource))
        {
            resource = new TelemetryResource(identity.Name, identity.InstanceId);
            _resources.Add(identity, resource);
        }
        if (proto is not null)
        {
            resource.Proto = proto;
        }
        return resource;
    }

    /// <summary>Scopes are told apart by name and version, so what one library sent stays together in the JSON.</summary>
    private static (string, string) ScopeKey(InstrumentationScope? scope) => (scope?.Name ?? "", scope?.Version ?? "");
}
