using System.Text.Json.Serialization;

namespace CowAspire.Contracts;

[JsonSerializable(typeof(QuoteEnvelope))]
public sealed partial class QuoteEnvelopeJsonContext : JsonSerializerContext;
