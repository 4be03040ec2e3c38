using System.Text.Json.Nodes;

namespace CowAspire.Tests.Telemetry;

/// <summary>Reading OTLP JSON as the dashboard's API returns it (every attribute value as a string).</summary>
public static class OtlpJsonReading
{
    public const int Server = 2;
    public const int Client = 3;
    public const int Producer = 4;
    public const int Consumer = 5;

    /// <param name="Service">The resource's <c>service.name</c>: <c>web</c>, <c>api</c>.</param>
    /// <param name="Resource">
    /// The instance it came from as Aspire names it (<c>service.name</c>-<c>service.instance.id</c>): the resource id of
    /// <see cref="Infrastructure.Replicas.Of"/>, <c>web-abcd1234</c>.
    /// </param>
    public sealed record Item(string Service, string Resource, JsonObject Body)
    {
        public string? Name => (string?)Body["name"];

        public int? Kind => (int?)Body["kind"];

        public string? TraceId => (string?)Body["traceId"];

        public string? SpanId => (string?)Body["spanId"];

        public string? ParentSpanId => (string?)Body["parentSpanId"] is { Length: > 0 } parent ? parent : null;

        public string? Message => (string?)Body["body"]?["stringValue"];

        public string? this[string attribute] => Attribute(Body, attribute);
    }

    public static IEnumerable<Item> Spans(JsonNode answer) => Items(answer["data"], "resourceSpans", "scopeSpans", "spans");

    public static IEnumerable<Item> Logs(JsonNode answer) => Items(answer["data"], "resourceLogs", "scopeLogs", "logRecords");

    public static string? Attribute(JsonNode? owner, string key) =>
        owner?["attributes"]?.AsArray().FirstOrDefault(a => (string?)a!["key"] == key)?["value"]?["stringValue"]?.GetValue<string>();

    private static IEnumerable<Item> Items(JsonNode? otlp, string resources, string scopes, string items)
    {
        foreach (var resource in otlp?[resources]?.AsArray() ?? [])
        {
            var service = Attribute(resource!["resource"], "service.name") ?? "";
            var instance = Attribute(resource!["resource"], "service.instance.id");
            foreach (var scope in resource![scopes]?.AsArray() ?? [])
            {
                foreach (var item in scope![items]?.AsArray() ?? [])
                {
                    yield return new Item(service, instance is null ? service : $"{service}-{instance}", item!.AsObject());
                }
            }
        }
    }
}
