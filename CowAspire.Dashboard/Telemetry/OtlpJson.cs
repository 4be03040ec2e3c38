using System.Text.Json.Nodes;
using Google.Protobuf;

namespace CowAspire.Dashboard.Telemetry;

/// <summary>
/// OTLP's JSON encoding (the protobuf JSON mapping with two changes: trace and span ids are hex, not base64, and
/// enums are integers). Google.Protobuf does the mapping; the ids are rewritten on the way in and out.
/// </summary>
internal static class OtlpJson
{
    private static readonly HashSet<string> IdFields = new(StringComparer.Ordinal) { "traceId", "spanId", "parentSpanId" };

    private static readonly JsonParser Parser = new(JsonParser.Settings.Default.WithIgnoreUnknownFields(true));

    private static readonly JsonFormatter Formatter = new(JsonFormatter.Settings.Default.WithFormatEnumsAsIntegers(true));

    /// <exception cref="FormatException">The body is not OTLP JSON (Google.Protobuf throws its own exceptions too).</exception>
    public static T Parse<T>(string json) where T : IMessage<T>, new()
    {
        JsonNode? node;
        try
        {
            node = JsonNode.Parse(json);
        }
        catch (System.Text.Json.JsonException ex)
        {
            throw new FormatException($"The body is not JSON: {ex.Message}");
        }
        if (node is not JsonObject)
        {
            throw new FormatException("The body must be a JSON object.");
        }
        RewriteIds(node, HexToBase64);
        return Parser.Parse<T>(node.ToJsonString());
    }

    public static JsonNode ToNode(IMessage message)
    {
        var node = JsonNode.Parse(Formatter.Format(message))!;
        RewriteIds(node, Base64ToHex);
        return node;
    }

    public static string Hex(ByteString id) => Convert.ToHexStringLower(id.Span);

    private static string HexToBase64(string hex)
    {
        try
        {
            return Convert.ToBase64String(Convert.FromHexString(hex));
        }
        catch (FormatException)
        {
            throw new FormatException($"'{hex}' is not a hex trace or span id.");
        }
    }

    private static string Base64ToHex(string base64) => Convert.ToHexStringLower(Convert.FromBase64String(base64));

    private static void RewriteIds(JsonNode node, Func<string, string> rewrite)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (key, value) in obj.ToList())
                {
                    if (IdFields.Contains(key) && value is JsonValue id && id.TryGetValue<string>(out var text))
                    {
                        obj[key] = rewrite(text);
                    }
                    else if (value is not null)
                    {
                        RewriteIds(value, rewrite);
                    }
                }
                break;
            case JsonArray array:
                foreach (var item in array)
                {
                    if (item is not null)
                    {
                        RewriteIds(item, rewrite);
                    }
                }
                break;
        }
    }
}
