using System.Text.Json;
using System.Text.Json.Serialization;

namespace CowAspire.Web.Streaming;

/// <summary>The stream's own JSON events (<c>historyGap</c>, <c>reset</c>), serialized without reflection.</summary>
[JsonSerializable(typeof(HistoryGap))]
[JsonSerializable(typeof(Reset))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class StreamingJsonContext : JsonSerializerContext;
