namespace CowAspire.Web.Quotes;

internal sealed record ApiResponse(int StatusCode, string? ContentType, string? Location, string? RetryAfter, string? Replayed, byte[] Body);
