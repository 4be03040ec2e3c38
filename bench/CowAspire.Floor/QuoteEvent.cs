using System.Globalization;
using System.Net.ServerSentEvents;

namespace CowAspire.Floor;

/// <summary>
/// One published fragment as an unnamed SSE event with a numeric id, the same for both modes: the floor writes the
/// bytes <see cref="SseFormatter"/> makes of it (as the Web's SseFrames does), the typed-results mode lets
/// ASP.NET Core format the same item, so both send the same bytes.
/// </summary>
public static class QuoteEvent
{
    /// <summary>The ids' prefix: start time in Unix seconds, so an id is as long as nchan's (<c>time:tag</c>) and the events the same size.</summary>
    private static readonly string Epoch = DateTimeOffset.UtcNow.ToUnixTimeSeconds().ToString(CultureInfo.InvariantCulture);

    public static SseItem<string> Item(string html, long id) =>
        new(html) { EventId = string.Create(CultureInfo.InvariantCulture, $"{Epoch}:{id}") };

    public static byte[] Encode(SseItem<string> item)
    {
        // SseFormatter only writes to a Stream; one item written to a MemoryStream completes synchronously.
        using var stream = new MemoryStream();
        SseFormatter.WriteAsync(One(item), stream).GetAwaiter().GetResult();
        return stream.ToArray();
    }

    /// <summary>The publish request's body, the HTML fragment (the bench sends it as nchan is sent it).</summary>
    public static async Task<string> ReadAsync(HttpRequest request, CancellationToken cancellationToken)
    {
        using var reader = new StreamReader(request.Body);
        return await reader.ReadToEndAsync(cancellationToken);
    }

#pragma warning disable CS1998 // An iterator over one item needs no await.
    private static async IAsyncEnumerable<SseItem<string>> One(SseItem<string> item)
    {
        yield return item;
    }
#pragma warning restore CS1998
}
