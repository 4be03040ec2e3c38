using System.Text.Json;
using System.Text.Json.Serialization;

namespace CowAspire.Api.Quotes;

[JsonSerializable(typeof(SubmitQuoteRequest))]
[JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class QuoteApiJsonContext : JsonSerializerContext;
