using System.Diagnostics;
using OpenTelemetry.Trace;

namespace CowAspire.ServiceDefaults.Telemetry;

/// <summary>
/// Redis command spans only inside a recorded trace, so health probes and background loops add no root spans.
/// Aspire's Redis instrumentation (OpenTelemetry's StackExchange.Redis instrumentation, compiled into
/// Aspire.StackExchange.Redis as internal types, so its options and their <c>Filter</c> cannot be configured) profiles
/// every command and makes a span per command a few seconds later, parented to the Activity that was current when the
/// command was issued; a command issued with none (a background loop) becomes a root span, and one under a health
/// probe's untraced request is still sampled by <c>always_on</c>, the sampler the AppHost gives in development. This
/// sampler drops a Redis command span (told by the <c>db.system</c>/<c>db.system.name</c> tag it is created with)
/// unless its parent is recorded, and leaves every other span to the sampler it wraps.
/// </summary>
internal sealed class RedisCommandSampler : Sampler
{
    private static readonly SamplingResult Drop = new(SamplingDecision.Drop);

    private readonly Sampler _inner;

    public RedisCommandSampler(Sampler inner)
    {
        _inner = inner;
        Description = $"RedisCommandsInRecordedTraces{{{inner.Description}}}";
    }

    public override SamplingResult ShouldSample(in SamplingParameters samplingParameters) =>
        IsRedisCommand(samplingParameters.Tags) && !samplingParameters.ParentContext.TraceFlags.HasFlag(ActivityTraceFlags.Recorded)
            ? Drop
            : _inner.ShouldSample(samplingParameters);

    private static bool IsRedisCommand(IEnumerable<KeyValuePair<string, object?>>? tags)
    {
        if (tags is null)
        {
            return false;
        }
        foreach (var (key, value) in tags)
        {
            if (key is "db.system.name" or "db.system" && value is "redis")
            {
                return true;
            }
        }
        return false;
    }
}
