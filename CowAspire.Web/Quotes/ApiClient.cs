using System.Net.Http.Headers;
using CowAspire.Contracts;

namespace CowAspire.Web.Quotes;

/// <summary>The typed client for the Api; its base address <c>https+http://api</c> is resolved by service discovery.</summary>
internal sealed class ApiClient(HttpClient http)
{
    public async Task<ApiResponse> SubmitQuoteAsync(byte[] json, string idempotencyKey, CancellationToken cancellationToken)
    {
        using var content = new ByteArrayContent(json);
        content.Headers.ContentType = new MediaTypeHeaderValue("application/json") { CharSet = "utf-8" };
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri("/quotes", UriKind.Relative)) { Content = content };
        if (idempotencyKey.Length > 0)
        {
            request.Headers.TryAddWithoutValidation(QuoteHeaders.IdempotencyKey, idempotencyKey);
        }
        using var response = await http.SendAsync(request, cancellationToken);
        return new ApiResponse(
            (int)response.StatusCode,
            response.Content.Headers.ContentType?.ToString(),
            response.Headers.Location?.ToString(),
            response.Headers.RetryAfter?.ToString(),
            response.Headers.TryGetValues(QuoteHeaders.Replayed, out var replayed) ? replayed.FirstOrDefault() : null,
            await response.Content.ReadAsByteArrayAsync(cancellationToken));
    }
}
