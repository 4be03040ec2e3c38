using System.Buffers;
using System.IO.Pipelines;
using System.Text;
using CowAspire.Tests.Infrastructure;
using CowAspire.Web.Streaming;

namespace CowAspire.Tests.Unit;

/// <summary>
/// The client stream on a real <see cref="Pipe"/> standing for the response body: a reader that keeps up, one that
/// stops reading (the pipe's pause threshold is Kestrel's backpressure), and one that comes back.
/// </summary>
public class ClientStreamTests
{
    private static readonly PipeOptions SmallBuffer = new(pauseWriterThreshold: 64, resumeWriterThreshold: 32, useSynchronizationContext: false);

    [Fact]
    public async Task OfferedFrameIsWrittenAndFlushedBeforeOfferReturns()
    {
        var pipe = new Pipe();
        var stream = new ClientStream(new Plan(), pipe.Writer, capacity: 4, abort: Unexpected);
        await stream.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        stream.Offer(Frame("one"));

        // Flushed by the offer itself: no task of the stream had to run for the reader to see it.
        Assert.Equal("one\n", ReadNow(pipe.Reader));
    }

    [Fact]
    public async Task FramesOfferedDuringTheOpeningFollowItInOrder()
    {
        var pipe = new Pipe();
        var opening = new TaskCompletionSource();
        var plan = new Plan(["retry\n"], opening.Task);
        var stream = new ClientStream(plan, pipe.Writer, capacity: 4, abort: Unexpected);
        var open = stream.OpenAsync(TestContext.Current.CancellationToken);

        stream.Offer(Frame("a"));
        stream.Offer(Frame("b"));
        Assert.Equal("retry\n", await ReadAsync(pipe.Reader, "retry\n".Length));
        Assert.Equal("", ReadNow(pipe.Reader));

        opening.SetResult();
        await open.DefaultTimeout();
        stream.Offer(Frame("c"));

        Assert.Equal("a\nb\nc\n", await ReadAsync(pipe.Reader, 6));
    }

    [Fact]
    public async Task ReaderThatStopsIsCutOffAfterCapacityWithoutHoldingUpTheOthers()
    {
        var stalled = new Pipe(SmallBuffer);
        var reading = new Pipe(SmallBuffer);
        var aborted = 0;
        var slow = new ClientStream(new Plan(), stalled.Writer, capacity: 3, abort: () => aborted++);
        var fast = new ClientStream(new Plan(), reading.Writer, capacity: 3, abort: Unexpected);
        await slow.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();
        await fast.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        var frames = Enumerable.Range(0, 20).Select(i => Frame($"frame {i:00} of the twenty")).ToList();
        foreach (var frame in frames)
        {
            slow.Offer(frame);
            fast.Offer(frame);
            // The fast reader reads everything as it comes.
            ReadNow(reading.Reader);
        }

        Assert.True(slow.Overflowed);
        Assert.Equal(1, aborted);
        Assert.False(fast.Overflowed);
        await slow.Ended.DefaultTimeout();
        Assert.Null(slow.Last);
    }

    [Fact]
    public async Task FramesQueuedBehindAPendingFlushGoOutWhenTheReaderCatchesUp()
    {
        var pipe = new Pipe(SmallBuffer);
        var stream = new ClientStream(new Plan(), pipe.Writer, capacity: 8, abort: Unexpected);
        await stream.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        var expected = new StringBuilder();
        for (var i = 0; i < 8; i++)
        {
            var text = $"quote {i} of eight, long enough";
            stream.Offer(Frame(text));
            expected.Append(text).Append('\n');
        }

        Assert.Equal(expected.ToString(), await ReadAsync(pipe.Reader, expected.Length));
        Assert.False(stream.Overflowed);
    }

    [Fact]
    public async Task StopEndsTheStreamWithItsLastFrameAndWritesNothingAfter()
    {
        var pipe = new Pipe();
        var stream = new ClientStream(new Plan(), pipe.Writer, capacity: 4, abort: Unexpected);
        await stream.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();
        var retry = Frame("retry: 2000");

        stream.Stop(retry);
        stream.Offer(Frame("after"));
        stream.OfferHeartbeat(Frame(": heartbeat"));

        await stream.Ended.DefaultTimeout();
        Assert.Same(retry, stream.Last);
        Assert.Equal("", ReadNow(pipe.Reader));
    }

    [Fact]
    public async Task StopWhileAFlushIsPendingEndsTheStream()
    {
        var pipe = new Pipe(SmallBuffer);
        var stream = new ClientStream(new Plan(), pipe.Writer, capacity: 8, abort: Unexpected);
        await stream.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();
        stream.Offer(Frame(new string('x', 100)));

        stream.Stop(Frame("retry: 2000"));

        // Nobody reads: only cancelling the pending flush lets the stream end.
        await stream.Ended.DefaultTimeout();
        Assert.NotNull(stream.Last);
    }

    [Fact]
    public async Task StopDuringAnOpeningThatWaitsOnASlowReaderEndsTheStream()
    {
        var pipe = new Pipe(SmallBuffer);
        var stream = new ClientStream(new Plan([new string('r', 100)]), pipe.Writer, capacity: 8, abort: Unexpected);
        var open = stream.OpenAsync(TestContext.Current.CancellationToken);
        Assert.False(open.IsCompleted);

        // A gateway shutting down: nobody reads, so only cancelling the opening's flush lets the stream end.
        stream.Stop(Frame("retry: 2000"));

        await open.DefaultTimeout();
        await stream.Ended.DefaultTimeout();
        Assert.NotNull(stream.Last);
    }

    [Fact]
    public async Task AFailingWriteEndsOnlyThatStreamAndAbortsIt()
    {
        var pipe = new Pipe();
        var aborted = 0;
        var stream = new ClientStream(new Plan(), pipe.Writer, capacity: 4, abort: () => aborted++,
            written: _ => throw new InvalidOperationException("a fault after the write"));
        await stream.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        // The broadcaster's loop goes on to the next client: the offer does not throw.
        stream.Offer(Frame("one"));

        await stream.Ended.DefaultTimeout();
        Assert.Equal(1, aborted);
        stream.Offer(Frame("two"));
        Assert.Equal(1, aborted);
    }

    [Fact]
    public async Task HeartbeatGoesOnlyToAnIdleStream()
    {
        var pipe = new Pipe(SmallBuffer);
        var stream = new ClientStream(new Plan(), pipe.Writer, capacity: 8, abort: Unexpected);
        await stream.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        stream.OfferHeartbeat(Frame(": heartbeat"));
        Assert.Equal(": heartbeat\n", ReadNow(pipe.Reader));

        stream.Offer(Frame(new string('x', 100)));
        stream.OfferHeartbeat(Frame(": heartbeat"));
        Assert.Equal(new string('x', 100) + "\n", await ReadAsync(pipe.Reader, 101));
        Assert.Equal("", ReadNow(pipe.Reader));
    }

    [Fact]
    public async Task ShowEndsWithCloseStreamAfterItsCount()
    {
        var pipe = new Pipe();
        var stream = new ClientStream(new ShowPlan(2), pipe.Writer, capacity: 8, abort: Unexpected);
        await stream.OpenAsync(TestContext.Current.CancellationToken).DefaultTimeout();

        for (var id = 1; id <= 3; id++)
        {
            stream.Offer(new EventFrame(id, Encoding.UTF8.GetBytes($"quote {id}\n"), "e1"));
        }

        await stream.Ended.DefaultTimeout();
        // As the request does once the stream has ended: its last frame, flushed with whatever preceded it.
        await pipe.Writer.WriteAsync(stream.Last!.Bytes, TestContext.Current.CancellationToken).AsTask().DefaultTimeout();
        Assert.Equal("quote 1\nquote 2\nevent: closeStream\ndata: {\"delivered\":2}\n\n", ReadNow(pipe.Reader));
    }

    private static EventFrame Frame(string text) => new(EventFrame.NoQuote, Encoding.UTF8.GetBytes(text + "\n"));

    private static void Unexpected() => Assert.Fail("The stream was aborted.");

    /// <summary>What the writer has flushed so far, read without waiting.</summary>
    private static string ReadNow(PipeReader reader)
    {
        if (!reader.TryRead(out var result))
        {
            return "";
        }
        var text = Encoding.UTF8.GetString(result.Buffer.ToArray());
        reader.AdvanceTo(result.Buffer.End);
        return text;
    }

    private static async Task<string> ReadAsync(PipeReader reader, int length)
    {
        var text = new StringBuilder();
        while (text.Length < length)
        {
            var result = await reader.ReadAsync(TestContext.Current.CancellationToken).AsTask().DefaultTimeout();
            text.Append(Encoding.UTF8.GetString(result.Buffer.ToArray()));
            reader.AdvanceTo(result.Buffer.End);
        }
        return text.ToString();
    }

    /// <summary>Admits every frame; its opening writes <paramref name="opening"/>, then waits for <paramref name="openingEnds"/>.</summary>
    private sealed class Plan(string[]? opening = null, Task? openingEnds = null) : StreamPlan
    {
        public override async IAsyncEnumerable<EventFrame> OpenAsync([System.Runtime.CompilerServices.EnumeratorCancellation] CancellationToken cancellationToken)
        {
            foreach (var text in opening ?? [])
            {
                yield return new EventFrame(EventFrame.NoQuote, Encoding.UTF8.GetBytes(text));
            }
            await (openingEnds ?? Task.CompletedTask);
        }

        public override bool Admit(EventFrame frame) => true;
    }
}
