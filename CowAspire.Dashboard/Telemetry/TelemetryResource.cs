using OpenTelemetry.Proto.Common.V1;
using OpenTelemetry.Proto.Resource.V1;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// One sender of telemetry: a resource's replica, known by <c>service.name</c> (the resource, "web") and
/// <c>service.instance.id</c> (the replica, "web-1"), which the AppHost gives every process it starts.
/// </summary>
internal sealed class TelemetryResource(string name, string instanceId)
{
    public string Name { get; } = name;

    public string InstanceId { get; } = instanceId;

    /// <summary>The resource as the sender last described it (its attributes), for the OTLP JSON the API returns.</summary>
    public Resource Proto { get; set; } = new();

    /// <summary>A filter names the resource (every replica) or one replica.</summary>
    public bool Matches(string? filter) =>
        filter is null
        || string.Equals(filter, Name, StringComparison.OrdinalIgnoreCase)
        || string.Equals(filter, InstanceId, StringComparison.OrdinalIgnoreCase);

    public static (string Name, string InstanceId) IdentityOf(Resource? resource)
    {
        var name = Attribute(resource, "service.name") ?? "unknown_service";
        return (name, Attribute(resource, "service.instance.id") ?? name);
    }

    private static string? Attribute(Resource? resource, string key) =>
        resource?.Attributes.FirstOrDefault(a => a.Key == key)?.Value is { ValueCase: AnyValue.ValueOneofCase.StringValue, StringValue: { Length: > 0 } value }
            ? value
            : null;
}
