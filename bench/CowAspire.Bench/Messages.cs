using System.Buffers.Text;
using System.Globalization;
using System.Net;
using System.Text;

namespace CowAspire.Bench;

/// <summary>
/// The messages the bench publishes. Every one carries a marker word <c>BENCHSEQ</c> + six digits, so a subscriber
/// finds which message an event is from its data alone, whatever ids the server gives it. Message 0 is the
/// warm-up (a readiness barrier, not measured).
/// </summary>
public static class Messages
{
    private const string Marker = "BENCHSEQ";

    /// <summary>Messages above this number are the settle phase's: published at the same rate, not measured.</summary>
    public const int SettleBase = 900_000;

    private const string Filler =
        "the cow reads every quote aloud to the whole field while the gateway fans it out to each listening browser " +
        "at once and nobody in the barn misses a single word of it because the history keeps what was said ";

    private static readonly string[] Cow =
    [
        "        \\   ^__^",
        "         \\  (oo)\\_______",
        "            (__)\\       )\\/\\",
        "                ||----w |",
        "                ||     ||",
    ];

    /// <summary>Quote text of exactly <paramref name="length"/> characters (no trailing space), marker first.</summary>
    public static string Text(int seq, int length)
    {
        var text = new StringBuilder(length + Filler.Length);
        text.Append(Marker).Append(seq.ToString("D6", CultureInfo.InvariantCulture));
        while (text.Length < length)
        {
            text.Append(' ').Append(Filler);
        }
        var result = text.ToString(0, length).TrimEnd();
        return result;
    }

    /// <summary>
    /// The nchan payload: the HTML cowsay fragment CowAspire renders for the same text (40-column bubble, the cow, a
    /// footer), so both systems carry the same data lines. One difference on purpose: the time attribute is in whole
    /// seconds (8 characters shorter than CowAspire's, which has seven fractional digits), because nchan's own id line
    /// (<c>id: 1795517599:0</c>) is about that much longer than CowAspire's (<c>id: 123</c>): the events are then the
    /// same size on the wire within a byte or two, as the report's samples show.
    /// </summary>
    public static string Html(int seq, string text, DateTimeOffset at)
    {
        var lines = Wrap(text, 40);
        var inner = lines.Max(l => l.Length);
        var cow = new List<string> { " " + new string('_', inner + 2) };
        for (var i = 0; i < lines.Count; i++)
        {
            var (open, close) = lines.Count == 1 ? ('<', '>') : i == 0 ? ('/', '\\') : i == lines.Count - 1 ? ('\\', '/') : ('|', '|');
            cow.Add($"{open} {lines[i].PadRight(inner)} {close}");
        }
        cow.Add(" " + new string('-', inner + 2));
        cow.AddRange(Cow);
        var body = string.Join('\n', cow.Select(WebUtility.HtmlEncode));
        var id = seq.ToString(CultureInfo.InvariantCulture);
        var time = at.ToUniversalTime();
        return string.Create(CultureInfo.InvariantCulture,
            $"<article class=\"quote\" data-quote-id=\"{id}\"><pre class=\"cow\">{body}</pre><footer>#{id} · <time datetime=\"{time:yyyy-MM-dd'T'HH:mm:sszzz}\">{time:HH:mm:ss} UTC</time></footer></article>");
    }

    /// <summary>
    /// POSTs message <paramref name="seq"/>'s HTML fragment to a publish endpoint that takes the event's data as its
    /// body (nchan's, the floor's); returns the HTTP status.
    /// </summary>
    public static async Task<int> PostHtmlAsync(HttpClient http, Uri publish, int seq, int textLength, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, publish)
        {
            Content = new StringContent(Html(seq, Text(seq, textLength), DateTimeOffset.UtcNow), Encoding.UTF8, "text/html"),
        };
        // No X-EventSource-Event: CowAspire's quotes are unnamed events (EventSource's "message"), so these are too.
        using var response = await http.SendAsync(request, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>The message number in an event's data, or -1 if the event is not one of the bench's.</summary>
    public static int ParseSeq(ReadOnlySpan<byte> data)
    {
        var at = data.IndexOf("BENCHSEQ"u8);
        if (at < 0 || data.Length < at + Marker.Length + 6)
        {
            return -1;
        }
        return Utf8Parser.TryParse(data.Slice(at + Marker.Length, 6), out int seq, out var consumed) && consumed == 6 ? seq : -1;
    }

    private static List<string> Wrap(string text, int width)
    {
        var lines = new List<string>();
        var line = new StringBuilder();
        foreach (var word in text.Split(' ', StringSplitOptions.RemoveEmptyEntries))
        {
            if (line.Length > 0 && line.Length + 1 + word.Length > width)
            {
                lines.Add(line.ToString());
                line.Clear();
            }
            if (line.Length > 0)
            {
                line.Append(' ');
            }
            line.Append(word);
        }
        if (line.Length > 0 || lines.Count == 0)
        {
            lines.Add(line.ToString());
        }
        return lines;
    }
}
