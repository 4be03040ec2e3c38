using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using CowAspire.Contracts;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Publishers at a steady rate, each quote with its own Idempotency-Key and text, keeping every answer: what was
/// acknowledged (201, with the quote as the Api returned it) and what is still open (refused, or no answer). Settling
/// retries each open quote with its key until its outcome is known, as a careful producer would.
/// </summary>
public sealed class KeyedPublishers : IAsyncDisposable
{
    private const int Concurrency = 4;
    private readonly HttpClient _api;
    private readonly CancellationTokenSource _stop = new();
    private readonly ConcurrentDictionary<string, string> _open = new();
    private readonly ConcurrentDictionary<string, QuoteEnvelope> _acknowledged = new();
    private readonly Task[] _running;
    private int _sent;
    private int _refused;
    private int _failed;

    public KeyedPublishers(HttpClient api, int quotesPerSecond)
    {
        _api = api;
        var interval = TimeSpan.FromSeconds((double)Concurrency / quotesPerSecond);
        _running = [.. Enumerable.Range(0, Concurrency).Select(_ => RunAsync(interval, _stop.Token))];
    }

    public IReadOnlyCollection<QuoteEnvelope> Acknowledged => [.. _acknowledged.Values];

    /// <summary>Answers 503: the quote's outcome is open until a retry with its key.</summary>
    public int Refused => Volatile.Read(ref _refused);

    /// <summary>Requests that got no answer, or one other than 201 or 503.</summary>
    public int Failed => Volatile.Read(ref _failed);

    public Task WaitForAcknowledgedAsync(int count, TimeSpan timeout, CancellationToken cancellationToken) =>
        Poll.UntilAsync(() => _acknowledged.Count >= count, timeout,
            $"{count} quotes are acknowledged (so far {_acknowledged.Count}, {Refused} refused, {Failed} failed)", cancellationToken);

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_running);
    }

    /// <summary>Retries every open quote with its own key until it is acknowledged; returns every acknowledged quote.</summary>
    public async Task<IReadOnlyList<QuoteEnvelope>> SettleAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        await StopAsync();
        using var settling = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        settling.CancelAfter(timeout);
        while (!_open.IsEmpty)
        {
            foreach (var (key, text) in _open)
            {
                if (await TryPublishAsync(key, text, settling.Token) is { } retryAfter)
                {
                    // The wait the refusal's Retry-After asks for; the timeout bounds the loop.
                    await Task.Delay(retryAfter, settling.Token);
                }
            }
        }
        return [.. _acknowledged.Values.OrderBy(q => q.Id)];
    }

    private async Task RunAsync(TimeSpan interval, CancellationToken cancellationToken)
    {
        using var pace = new PeriodicTimer(interval);
        try
        {
            while (await pace.WaitForNextTickAsync(cancellationToken))
            {
                var key = Guid.NewGuid().ToString("N");
                var text = $"In flight {Interlocked.Increment(ref _sent)}.";
                _open[key] = text;
                await TryPublishAsync(key, text, cancellationToken);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One try; null once acknowledged, else how long to wait before the next.</summary>
    private async Task<TimeSpan?> TryPublishAsync(string key, string text, CancellationToken cancellationToken)
    {
        try
        {
            using var request = new HttpRequestMessage(HttpMethod.Post, "/quotes") { Content = JsonContent.Create(new { text }) };
            request.Headers.Add(QuoteHeaders.IdempotencyKey, key);
            using var response = await _api.SendAsync(request, cancellationToken);
            if (response.StatusCode == HttpStatusCode.Created
                && QuoteEnvelope.Parse(await response.Content.ReadAsStringAsync(cancellationToken)) is { } quote)
            {
                _acknowledged[key] = quote;
                _open.TryRemove(key, out _);
                return null;
            }
            Interlocked.Increment(ref response.StatusCode == HttpStatusCode.ServiceUnavailable ? ref _refused : ref _failed);
            return response.Headers.RetryAfter?.Delta ?? TimeSpan.FromSeconds(1);
        }
        catch (Exception ex) when (ex is HttpRequestException or TimeoutException
            || (ex is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            Interlocked.Increment(ref _failed);
            return TimeSpan.FromSeconds(1);
        }
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
        _api.Dispose();
    }
}
