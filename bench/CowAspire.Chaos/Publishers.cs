using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CowAspire.Contracts;

namespace CowAspire.Chaos;

/// <summary>One keyed quote and what became of it.</summary>
public sealed class PublishedQuote(string key, string text)
{
    public string Key { get; } = key;

    public string Text { get; } = text;

    /// <summary>The quote as the Api's 201 returned it; null while its outcome is unknown.</summary>
    public QuoteEnvelope? Acknowledged { get; set; }

    public int Attempts { get; set; }

    /// <summary>The last answer that was not a 201 (status, or what went wrong).</summary>
    public string? LastRefusal { get; set; }
}

/// <summary>
/// Producers as a careful caller writes them: each quote gets its own Idempotency-Key and text, and a 503, a 429, a
/// 5xx or no answer is retried with the same key (after the answer's Retry-After, else 1 s) until the outcome is
/// known. Issuing new quotes stops first; open ones are then retried until <c>settle</c> expires.
/// </summary>
public sealed class Publishers(Uri api, double quotesPerSecond) : IDisposable
{
    private const int Concurrency = 4;
    private readonly HttpClient _http = new() { BaseAddress = api, Timeout = TimeSpan.FromSeconds(10) };
    private readonly ConcurrentQueue<PublishedQuote> _all = new();
    private int _sent;
    private int _refused;
    private int _failed;

    public IReadOnlyCollection<PublishedQuote> All => _all;

    /// <summary>503 and 429 answers (each retried).</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Tries with no answer, or another status (each retried).</summary>
    public int Failed => Volatile.Read(ref _failed);

    /// <param name="issuing">Cancelled: no new quote.</param>
    /// <param name="settle">Cancelled: open quotes stay unknown.</param>
    public Task RunAsync(CancellationToken issuing, CancellationToken settle) =>
        Task.WhenAll(Enumerable.Range(0, Concurrency).Select(_ => RunOneAsync(issuing, settle)));

    public void Dispose() => _http.Dispose();

    private async Task RunOneAsync(CancellationToken issuing, CancellationToken settle)
    {
        using var pace = new PeriodicTimer(TimeSpan.FromSeconds(Concurrency / quotesPerSecond));
        try
        {
            while (await pace.WaitForNextTickAsync(issuing))
            {
                var quote = new PublishedQuote(Guid.NewGuid().ToString("N"), $"Chaos quote {Interlocked.Increment(ref _sent)}.");
                _all.Enqueue(quote);
                while (quote.Acknowledged is null && await TryAsync(quote, settle) is { } wait)
                {
                    await Task.Delay(wait, settle);
                }
            }
        }
        catch (OperationCanceledException) when (issuing.IsCancellationRequested || settle.IsCancellationRequested)
        {
        }
    }

    /// <summary>One try; null once the outcome is known, else how long to wait before the next.</summary>
    private async Task<TimeSpan?> TryAsync(PublishedQuote quote, CancellationToken cancellationToken)
    {
        quote.Attempts++;
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text = quote.Text }) };
            request.Headers.Add(QuoteHeaders.IdempotencyKey, quote.Key);
            using var response = await _http.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Created)
            {
                quote.Acknowledged = QuoteEnvelope.Parse(await response.Content.ReadAsStringAsync(cancellationToken))
                    ?? throw new InvalidDataException($"A 201 for key {quote.Key} without a quote envelope.");
                return null;
            }
            quote.LastRefusal = $"HTTP {(int)response.StatusCode}";
            Interlocked.Increment(ref response.StatusCode is HttpStatusCode.ServiceUnavailable or HttpStatusCode.TooManyRequests ? ref _refused : ref _failed);
            return response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            quote.LastRefusal = ex.GetType().Name;
            Interlocked.Increment(ref _failed);
            return TimeSpan.FromSeconds(1);
        }
    }
}
