using System.Globalization;
using System.Net.ServerSentEvents;
using System.Text;

namespace CowAspire.Web.Streaming;

/// <summary>
/// Encodes events to the event-stream wire format. Events go through <see cref="SseFormatter"/>, which splits
/// multi-line data into several <c>data:</c> lines and ends each event with a blank line. Comments and a bare
/// <c>retry:</c> are outside what the formatter writes, so they are written here, once, as constants.
/// </summary>
public static class SseFrames
{
    /// <summary>Keeps idle connections open through proxies; ignored by EventSource.</summary>
    public static readonly EventFrame Heartbeat = Comment("heartbeat");

    /// <param name="eventType">The <c>event:</c> name; null for an unnamed event (EventSource's <c>message</c>).</param>
    public static EventFrame Event(string? eventType, string data, string? id = null)
    {
        var item = new SseItem<string>(data, eventType) { EventId = id };
        // SseFormatter only writes to a Stream; one item written to a MemoryStream completes synchronously.
        using var stream = new MemoryStream();
        SseFormatter.WriteAsync(One(item), stream).GetAwaiter().GetResult();
        return new EventFrame(EventFrame.NoQuote, stream.ToArray());
    }

    /// <summary>A frame that only sets the client's reconnection delay; it dispatches no event.</summary>
    public static EventFrame Retry(TimeSpan delay) =>
        new(EventFrame.NoQuote, Encoding.UTF8.GetBytes(string.Create(CultureInfo.InvariantCulture, $"retry: {(long)delay.TotalMilliseconds}\n\n")));

    /// <summary>
    /// <paramref name="delay"/> plus a random part of up to as much again: clients cut off together (a gateway
    /// stopping, a backfill that overflows every queue) come back spread over a whole delay, not all at once.
    /// </summary>
    public static TimeSpan Jittered(TimeSpan delay) => delay + delay * Random.Shared.NextDouble();

    /// <summary>A <c>retry:</c> of <paramref name="delay"/>, <see cref="Jittered">jittered</see>.</summary>
    public static EventFrame JitteredRetry(TimeSpan delay) => Retry(Jittered(delay));

    /// <summary>A comment line: <c>: text</c>. Line breaks in <paramref name="text"/> are not allowed.</summary>
    public static EventFrame Comment(string text)
    {
        if (text.AsSpan().IndexOfAny('\r', '\n') >= 0)
        {
            throw new ArgumentException("A comment is one line.", nameof(text));
        }
        return new(EventFrame.NoQuote, Encoding.UTF8.GetBytes($": {text}\n\n"));
    }

#pragma warning disable CS1998 // An iterator over one item needs no await.
    private static async IAsyncEnumerable<SseItem<string>> One(SseItem<string> item)
    {
        yield return item;
    }
#pragma warning restore CS1998
}
