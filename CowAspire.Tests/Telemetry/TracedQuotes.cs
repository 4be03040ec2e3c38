using System.Diagnostics;
using System.Net.Http.Json;

namespace CowAspire.Tests.Telemetry;

/// <summary>Quotes posted inside a trace of the test's choosing (a W3C traceparent), so its telemetry can be found by id.</summary>
public static class TracedQuotes
{
    /// <returns>The trace id the quote was posted in, once the answer had <paramref name="expected"/> status.</returns>
    public static async Task<string> PostAsync(HttpClient web, string text, HttpStatusCode expected, CancellationToken cancellationToken)
    {
        var traceId = ActivityTraceId.CreateRandom().ToHexString();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{ActivitySpanId.CreateRandom().ToHexString()}-01");
        using var response = await web.SendAsync(request, cancellationToken);
        Assert.Equal(expected, response.StatusCode);
        return traceId;
    }
}
