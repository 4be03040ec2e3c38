using System.Text;
using CowAspire.Web.Streaming;

namespace CowAspire.Tests.Unit;

public class SseFramesTests
{
    [Fact]
    public void SingleLineEventHasTypeDataIdAndBlankLineTerminator()
    {
        var frame = SseFrames.Event("quote", "moo", id: "42-e1");

        Assert.Equal("event: quote\ndata: moo\nid: 42-e1\n\n", Text(frame));
    }

    [Fact]
    public void UnnamedEventHasNoEventLine()
    {
        // EventSource dispatches it as "message", which is what onmessage hears.
        Assert.Equal("data: moo\n\n", Text(SseFrames.Event(null, "moo")));
    }

    [Fact]
    public void MultiLineDataBecomesOneDataLinePerLine()
    {
        var frame = SseFrames.Event("quote", "line one\nline two\nline three", id: "7-e1");

        Assert.Equal("event: quote\ndata: line one\ndata: line two\ndata: line three\nid: 7-e1\n\n", Text(frame));
    }

    [Fact]
    public void CarriageReturnsInDataAreLineBreaksToo()
    {
        var frame = SseFrames.Event("quote", "a\r\nb\rc");

        Assert.Equal("event: quote\ndata: a\ndata: b\ndata: c\n\n", Text(frame));
    }

    [Fact]
    public void EventWithoutIdCarriesNoIdLine()
    {
        var frame = SseFrames.Event("closeStream", """{"delivered":3}""");

        Assert.Equal("event: closeStream\ndata: {\"delivered\":3}\n\n", Text(frame));
        Assert.False(frame.IsQuote);
    }

    [Fact]
    public void DataIsUtf8()
    {
        var frame = SseFrames.Event("quote", "Don’t 🐄");

        Assert.Equal("event: quote\ndata: Don’t 🐄\n\n"u8.ToArray(), frame.Bytes.ToArray());
    }

    [Fact]
    public void HeartbeatIsACommentLine()
    {
        Assert.Equal(": heartbeat\n\n", Text(SseFrames.Heartbeat));
        Assert.False(SseFrames.Heartbeat.IsQuote);
    }

    [Fact]
    public void CommentWithALineBreakIsRefused()
    {
        Assert.Throws<ArgumentException>(() => SseFrames.Comment("one\ntwo"));
    }

    [Fact]
    public void RetryIsWholeMilliseconds()
    {
        Assert.Equal("retry: 2500\n\n", Text(SseFrames.Retry(TimeSpan.FromMilliseconds(2500.7))));
    }

    [Fact]
    public void JitteredRetryLiesBetweenOnceAndTwiceTheDelayAndVaries()
    {
        var delays = Enumerable.Range(0, 50).Select(_ => SseFrames.Jittered(TimeSpan.FromSeconds(2))).ToList();

        Assert.All(delays, d => Assert.InRange(d, TimeSpan.FromSeconds(2), TimeSpan.FromSeconds(4)));
        Assert.True(delays.Distinct().Count() > 1, "Every delay was the same.");
    }

    [Fact]
    public void QuoteFrameIsAnUnnamedEventWhoseIdCarriesTheEpoch()
    {
        var quote = new CowAspire.Contracts.QuoteEnvelope(2, 9, "two\nlines <b>", DateTimeOffset.UnixEpoch, "ab12");
        var frame = QuoteFrames.Quote(quote);

        var items = System.Net.ServerSentEvents.SseParser.Create(new MemoryStream(frame.Bytes.ToArray())).Enumerate().ToList();

        var item = Assert.Single(items);
        Assert.Equal("message", item.EventType);
        Assert.DoesNotContain("event:", Text(frame));
        Assert.Equal("9-ab12", item.EventId);
        Assert.Equal(CowAspire.Web.Rendering.QuoteHtml.Render(quote), item.Data);
        Assert.Equal((9, "ab12"), (frame.QuoteId, frame.Epoch));
    }

    [Fact]
    public void ResetNamesTheEpochAndMovesTheClientsLastEventId()
    {
        var frame = QuoteFrames.Reset("cd34", 0, "why");

        Assert.Equal("event: reset\ndata: {\"epoch\":\"cd34\",\"after\":0,\"reason\":\"why\"}\nid: 0-cd34\n\n", Text(frame));
        Assert.True(frame.IsReset);
    }

    private static string Text(EventFrame frame) => Encoding.UTF8.GetString(frame.Bytes.Span);
}
