using System.Globalization;
using System.Net.ServerSentEvents;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// One open event stream, read the way a client would with the spec's parser. Reads continue where the
/// previous one stopped, and every event received is kept in <see cref="Received"/>.
/// </summary>
public sealed class EventStream : IAsyncDisposable
{
    private readonly SseParser<string> _parser;
    private readonly IAsyncEnumerator<SseItem<string>> _events;
    private Task<bool>? _pending;

    private EventStream(HttpResponseMessage response, Stream body)
    {
        Response = response;
        _parser = SseParser.Create(body);
        _events = _parser.EnumerateAsync().GetAsyncEnumerator();
    }

    public HttpResponseMessage Response { get; }

    public List<SseItem<string>> Received { get; } = [];

    public bool Ended { get; private set; }

    /// <summary>The last <c>retry:</c> the server sent.</summary>
    public TimeSpan ReconnectionInterval => _parser.ReconnectionInterval;

    /// <summary>Quotes are unnamed events (EventSource's <c>message</c>) with an id <c>{id}-{epoch}</c>.</summary>
    public IEnumerable<long> QuoteIds => Received.Where(IsQuote).Select(e => QuoteId(e.EventId!));

    public static bool IsQuote(SseItem<string> item) => item.EventType == "message";

    /// <summary>The number of an event id <c>{id}-{epoch}</c>.</summary>
    public static long QuoteId(string eventId) => long.Parse(eventId.Split('-')[0], CultureInfo.InvariantCulture);

    /// <summary>The epoch of an event id <c>{id}-{epoch}</c>.</summary>
    public static string Epoch(string eventId) => eventId.Split('-')[1];

    /// <summary>When a quote event's quote was published, from the <c>&lt;time datetime="…"&gt;</c> its HTML carries.</summary>
    public static DateTimeOffset PublishedAt(SseItem<string> item)
    {
        const string attribute = "datetime=\"";
        var start = item.Data.IndexOf(attribute, StringComparison.Ordinal) + attribute.Length;
        return DateTimeOffset.Parse(item.Data[start..item.Data.IndexOf('"', start)], CultureInfo.InvariantCulture);
    }

    public static async Task<EventStream> OpenAsync(HttpClient client, string path, CancellationToken cancellationToken, string? lastEventId = null)
    {
        using var request = new HttpRequestMessage(HttpMethod.Get, path)
        {
            Version = client.DefaultRequestVersion,
            VersionPolicy = client.DefaultVersionPolicy,
        };
        request.Headers.Accept.ParseAdd("text/event-stream");
        if (lastEventId is not null)
        {
            request.Headers.Add("Last-Event-ID", lastEventId);
        }
        var response = await client.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        if (!response.IsSuccessStatusCode)
        {
            var body = await response.Content.ReadAsStringAsync(cancellationToken);
            response.Dispose();
            throw new HttpRequestException($"GET {path} answered {(int)response.StatusCode}: {body}");
        }
        return new EventStream(response, await response.Content.ReadAsStreamAsync(cancellationToken));
    }

    /// <summary>Reads until <paramref name="enough"/> holds for what was received, or the stream ends.</summary>
    public async Task<List<SseItem<string>>> ReadUntilAsync(
        Func<List<SseItem<string>>, bool> enough, CancellationToken cancellationToken, TimeSpan? timeout = null)
    {
        var limit = timeout ?? TestConstants.DefaultTimeout;
        var deadline = limit == Timeout.InfiniteTimeSpan ? DateTimeOffset.MaxValue : DateTimeOffset.UtcNow + limit;
        while (!Ended && !enough(Received))
        {
            var remaining = deadline == DateTimeOffset.MaxValue ? Timeout.InfiniteTimeSpan : deadline - DateTimeOffset.UtcNow;
            try
            {
                // A read that outlives a timeout is kept for the next call: an enumerator takes one MoveNext at a time.
                _pending ??= _events.MoveNextAsync().AsTask();
                var moved = await _pending.WaitAsync(remaining >= TimeSpan.Zero || remaining == Timeout.InfiniteTimeSpan ? remaining : TimeSpan.Zero, cancellationToken);
                _pending = null;
                if (!moved)
                {
                    Ended = true;
                    break;
                }
            }
            catch (TimeoutException)
            {
                throw new TimeoutException(
                    $"The stream did not deliver what was expected within {limit.TotalSeconds:0} s; it sent {Received.Count} events: " +
                    string.Join(", ", Received.Select(e => $"{e.EventType}#{e.EventId}")));
            }
            Received.Add(_events.Current);
        }
        return Received;
    }

    public Task<List<SseItem<string>>> ReadToEndAsync(CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        ReadUntilAsync(_ => false, cancellationToken, timeout);

    public Task<List<SseItem<string>>> ReadUntilQuoteAsync(long id, CancellationToken cancellationToken, TimeSpan? timeout = null) =>
        ReadUntilAsync(_ => QuoteIds.Contains(id), cancellationToken, timeout);

    public async ValueTask DisposeAsync()
    {
        // Disposing the response ends a read in progress; the enumerator can be disposed once it has.
        Response.Dispose();
        try
        {
            if (_pending is not null)
            {
                await _pending;
            }
        }
        catch (Exception ex) when (ex is IOException or ObjectDisposedException or OperationCanceledException or HttpRequestException)
        {
        }
        await _events.DisposeAsync();
    }
}
