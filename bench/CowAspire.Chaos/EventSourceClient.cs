using System.Globalization;
using System.Net;
using System.Text.Json;
using System.Text.RegularExpressions;
using CowAspire.Bench.Client;
using CowAspire.Contracts;

namespace CowAspire.Chaos;

/// <summary>What a client received, in order: a quote (by its id and content), or an announced break.</summary>
public abstract record Received;

/// <param name="PublishedAt">From the quote's <c>&lt;time datetime&gt;</c>: with its id, what tells one quote's content from another's.</param>
public sealed record ReceivedQuote(string Epoch, long Id, DateTimeOffset? PublishedAt) : Received;

/// <summary><c>event: reset</c>: what follows continues after <paramref name="After"/> in <paramref name="Epoch"/>.</summary>
public sealed record ReceivedReset(string Epoch, long After, string Reason) : Received;

/// <summary><c>event: historyGap</c>: ids after <paramref name="RequestedAfter"/> and before <paramref name="ResumedFrom"/> are gone.</summary>
public sealed record ReceivedGap(long RequestedAfter, long? ResumedFrom) : Received;

/// <summary>
/// A scripted client that behaves as a browser's EventSource does: one stream at a time over the bench's own
/// HTTP/2 client; when the stream ends or the connection breaks it waits the server's last <c>retry:</c> (3 s before
/// any) and reconnects with <c>Last-Event-ID</c>; a response with any status but 200 ends it for good (a failure).
/// </summary>
public sealed partial class EventSourceClient : ISseSink
{
    private const int DefaultRetryMilliseconds = 3000;
    private readonly Lock _gate = new();
    private readonly List<Received> _received = [];
    private readonly TaskCompletionSource _firstBytes = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly SseScanner _scanner;
    private int _connections;

    public EventSourceClient(int number)
    {
        Number = number;
        _scanner = new SseScanner(this) { OnWholeEvent = Record };
    }

    public int Number { get; }

    public int Connections => Volatile.Read(ref _connections);

    /// <summary>Why the client gave up (a status other than 200), as EventSource fails; null while it runs.</summary>
    public string? Failure { get; private set; }

    /// <summary>Events whose content could not be read (no id, or no <c>&lt;time&gt;</c> in a quote).</summary>
    public List<string> Unreadable { get; } = [];

    public Task FirstBytes => _firstBytes.Task;

    public IReadOnlyList<Received> Received
    {
        get
        {
            lock (_gate)
            {
                return [.. _received];
            }
        }
    }

    /// <summary>The newest quote received, or null.</summary>
    public ReceivedQuote? Newest
    {
        get
        {
            lock (_gate)
            {
                return _received.OfType<ReceivedQuote>().LastOrDefault();
            }
        }
    }

    public async Task RunAsync(SseEndpoint endpoint, IPAddress source, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            var outcome = await SseConnection.RunAsync(endpoint, source, _scanner, _scanner.LastEventId, () => Interlocked.Increment(ref _connections), stop);
            if (stop.IsCancellationRequested)
            {
                return;
            }
            if (outcome.Status is not (0 or 200))
            {
                Failure = $"gave up on HTTP {outcome.Status} at {DateTimeOffset.Now:HH:mm:ss.ff} after {Connections} connection(s)";
                return;
            }
            try
            {
                await Task.Delay(_scanner.RetryMilliseconds ?? DefaultRetryMilliseconds, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private void Record(SseEvent e)
    {
        Received? item = null;
        try
        {
            item = e.Type switch
            {
                null or "message" when QuoteEventId.TryParse(e.Id, out var id) && id.Epoch is { } epoch =>
                    new ReceivedQuote(epoch, id.Id, PublishedAt(e.Data)),
                "reset" => JsonSerializer.Deserialize<ResetData>(e.Data, Json) is { Epoch: { } epoch } reset
                    ? new ReceivedReset(epoch, reset.After, reset.Reason ?? "") : null,
                "historyGap" => JsonSerializer.Deserialize<GapData>(e.Data, Json) is { } gap ? new ReceivedGap(gap.RequestedAfter, gap.ResumedFrom) : null,
                _ => null,
            };
        }
        catch (JsonException)
        {
        }
        lock (_gate)
        {
            if (item is not null)
            {
                _received.Add(item);
            }
            if (item is null or ReceivedQuote { PublishedAt: null })
            {
                if (e.Type is null or "message" or "reset" or "historyGap")
                {
                    Unreadable.Add($"{e.Type ?? "message"} id={e.Id}: {Shorten(e.Data)}");
                }
            }
        }
    }

    private static string Shorten(string text) => text.Length <= 120 ? text : text[..120] + "…";

    private static DateTimeOffset? PublishedAt(string html) =>
        TimeElement().Match(html) is { Success: true } match
        && DateTimeOffset.TryParse(match.Groups[1].Value, CultureInfo.InvariantCulture, DateTimeStyles.RoundtripKind, out var at) ? at : null;

    [GeneratedRegex("<time datetime=\"([^\"]+)\"")]
    private static partial Regex TimeElement();

    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    private sealed record ResetData(string? Epoch, long After, string? Reason);

    private sealed record GapData(long RequestedAfter, long? ResumedFrom);

    void ISseSink.OnFirstBytes() => _firstBytes.TrySetResult();

    void ISseSink.OnEvent(int seq, long timestamp, int bytes)
    {
    }
}
