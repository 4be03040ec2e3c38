using System.Net.Http.Json;

namespace CowAspire.Tests.Telemetry;

/// <summary>Quotes posted inside a trace of the test's choosing (a W3C traceparent), so its telemetry can be found by id.</summary>
public static class TracedQuotes
{
    public static async Task<(HttpResponseMessage Response, string TraceId)> PostAsync(HttpClient web, string text, CancellationToken cancellationToken)
    {
        var traceId = OtlpSamples.NewTraceId();
        using var request = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text }) };
        request.Headers.Add("traceparent", $"00-{traceId}-{OtlpSamples.NewSpanId()}-01");
        return (await web.SendAsync(request, cancellationToken), traceId);
    }
}
