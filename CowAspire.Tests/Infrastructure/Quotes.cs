using System.Net.Http.Json;
using System.Text.Json;
using CowAspire.Contracts;

namespace CowAspire.Tests.Infrastructure;

public static class Quotes
{
    /// <summary>
    /// Publishes a quote through the Api directly (not the gateway under test) and returns its id. Like a well-behaved
    /// client, it retries a 503 (Redis away) or a 429 (rate limit) after its Retry-After, for up to a minute, with one
    /// Idempotency-Key, so a retry never publishes twice.
    /// </summary>
    public static async Task<long> PublishAsync(DistributedApplication app, string text, CancellationToken cancellationToken)
    {
        using var api = app.CreateHttpClient("api", "http");
        var deadline = DateTimeOffset.UtcNow.AddMinutes(1);
        var key = Guid.NewGuid().ToString("N");
        while (true)
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text }) };
            request.Headers.Add(QuoteHeaders.IdempotencyKey, key);
            using var response = await api.SendAsync(request, cancellationToken);
            if (response.StatusCode is System.Net.HttpStatusCode.ServiceUnavailable or System.Net.HttpStatusCode.TooManyRequests
                && DateTimeOffset.UtcNow < deadline)
            {
                // The wait the answer's Retry-After asks for, as a well-behaved client keeps it; the deadline bounds the loop.
                await Task.Delay(response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1), cancellationToken);
                continue;
            }
            response.EnsureSuccessStatusCode();
            return (await response.Content.ReadFromJsonAsync<JsonElement>(cancellationToken)).GetProperty("id").GetInt64();
        }
    }

    /// <summary>Asserts that <paramref name="ids"/> are consecutive: no gap, no duplicate, in order.</summary>
    public static void AssertConsecutive(IReadOnlyList<long> ids, string who)
    {
        for (var i = 1; i < ids.Count; i++)
        {
            Assert.True(ids[i] == ids[i - 1] + 1,
                $"{who}: after quote {ids[i - 1]} came {ids[i]} (at position {i} of {ids.Count}: {string.Join(",", ids.Skip(Math.Max(0, i - 5)).Take(10))}).");
        }
    }
}
