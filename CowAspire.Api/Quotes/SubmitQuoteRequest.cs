using System.Text.Json.Serialization;

namespace CowAspire.Api.Quotes;

public sealed record SubmitQuoteRequest([property: JsonPropertyName("text")] string? Text);
