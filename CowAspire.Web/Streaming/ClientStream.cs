using System.Buffers;
using System.IO.Pipelines;

namespace CowAspire.Web.Streaming;

/// <summary>
/// One client's event stream, written by whoever offers it a frame: the broadcaster writes the shared bytes into the
/// response's <see cref="PipeWriter"/> and flushes, with no task of the client's woken per frame. Frames wait in a
/// small queue only while the writer is held: by the stream's opening (its replay), or by a flush Kestrel has not
/// completed yet (a slow reader), whose completion writes what waited. A client that falls
/// <see cref="StreamingOptions.ClientQueueCapacity"/> frames behind is cut off (it reconnects and resumes from
/// history), so one slow reader never slows the others or grows the gateway's memory.
/// </summary>
public sealed class ClientStream
{
    private readonly Lock _gate = new();
    private readonly StreamPlan _plan;
    private readonly PipeWriter _writer;
    private readonly int _capacity;
    private readonly Action _abort;
    private readonly Action<EventFrame>? _written;
    private readonly Queue<EventFrame> _waiting = new();
    private readonly TaskCompletionSource _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    // Who holds the writer is the one who writes; offered frames wait meanwhile. Held from the start: the opening goes first.
    private bool _held = true;
    private bool _flushPending;
    private bool _stopped;

    /// <param name="abort">
    /// Ends the client's connection (or HTTP/2 stream) at once. A client that stopped reading has a flush pending that
    /// would never complete, so ending the response cannot reach it: the stream is aborted instead.
    /// </param>
    /// <param name="written">Called after each frame is written (for the sampled publish-to-write latency), or null.</param>
    public ClientStream(StreamPlan plan, PipeWriter writer, int capacity, Action abort, Action<EventFrame>? written = null)
    {
        ArgumentNullException.ThrowIfNull(plan);
        ArgumentNullException.ThrowIfNull(writer);
        (_plan, _writer, _capacity, _abort, _written) = (plan, writer, capacity, abort, written);
    }

    /// <summary>True once the client fell too far behind and was cut off.</summary>
    public bool Overflowed { get; private set; }

    /// <summary>Completes when the stream has ended and nothing writes to it any more; then <see cref="Last"/> goes out.</summary>
    public Task Ended => _ended.Task;

    /// <summary>The frame to write last, after <see cref="Ended"/>: the plan's closing, or a <c>retry:</c> at shutdown.</summary>
    public EventFrame? Last { get; private set; }

    /// <summary>
    /// Writes the plan's opening, then hands the writer to the frames that waited meanwhile, and from then on to the
    /// broadcaster.
    /// </summary>
    public async Task OpenAsync(CancellationToken cancellationToken)
    {
        var open = false;
        try
        {
            await foreach (var frame in _plan.OpenAsync(cancellationToken))
            {
                if (Volatile.Read(ref _stopped))
                {
                    break;
                }
                _writer.Write(frame.Bytes.Span);
                if (IsClosed(await FlushOpeningAsync(cancellationToken)))
                {
                    return;
                }
            }
            open = true;
        }
        finally
        {
            lock (_gate)
            {
                if (!open)
                {
                    StopLocked(null);
                }
                else if (_plan.Closing is { } closing)
                {
                    StopLocked(closing);
                }
                WriteWaitingLocked();
            }
        }
    }

    /// <summary>
    /// A flush of the opening that Kestrel does not complete at once is pending as the broadcaster's would be, so that
    /// <see cref="Stop"/> (a gateway shutting down) cancels it instead of waiting on a client that reads slowly.
    /// </summary>
    private async ValueTask<FlushResult> FlushOpeningAsync(CancellationToken cancellationToken)
    {
        var flush = _writer.FlushAsync(cancellationToken);
        if (flush.IsCompleted)
        {
            return flush.GetAwaiter().GetResult();
        }
        lock (_gate)
        {
            _flushPending = true;
            if (_stopped)
            {
                _writer.CancelPendingFlush();
            }
        }
        try
        {
            return await flush;
        }
        finally
        {
            lock (_gate)
            {
                _flushPending = false;
            }
        }
    }

    /// <summary>Writes a broadcast frame now, or queues it while the writer is held; cuts the client off on overflow.</summary>
    public void Offer(EventFrame frame)
    {
        lock (_gate)
        {
            if (_stopped)
            {
                return;
            }
            if (!_held)
            {
                WriteNowLocked(frame);
                return;
            }
            if (_waiting.Count < _capacity)
            {
                _waiting.Enqueue(frame);
                return;
            }
            Overflowed = true;
            StopLocked(null);
            AbortLocked();
        }
    }

    /// <summary>Writes a heartbeat only when the stream is idle: a held writer has data in flight, which needs none.</summary>
    public void OfferHeartbeat(EventFrame heartbeat)
    {
        lock (_gate)
        {
            if (!_stopped && !_held)
            {
                WriteNowLocked(heartbeat);
            }
        }
    }

    /// <summary>Ends the stream; <paramref name="last"/>, when given, is its last frame (the shutdown's <c>retry:</c>).</summary>
    public void Stop(EventFrame? last = null)
    {
        lock (_gate)
        {
            StopLocked(last);
        }
    }

    /// <summary>Aborts the client's stream now, so it resumes from history (after a gap the gateway could not fill).</summary>
    public void CutOff()
    {
        lock (_gate)
        {
            if (!_stopped)
            {
                StopLocked(null);
                AbortLocked();
            }
        }
    }

    /// <summary>
    /// Aborts the connection while the lock is held: the request cannot have ended then (it ends only after taking the
    /// lock to unsubscribe), so the abort never reaches a context Kestrel has already reused. Kestrel runs the aborted
    /// request's callbacks on its scheduler, not inside this call.
    /// </summary>
    private void AbortLocked() => _abort();

    /// <summary>Takes the free writer and writes <paramref name="frame"/> through the same path as what waits.</summary>
    private void WriteNowLocked(EventFrame frame)
    {
        _held = true;
        _waiting.Enqueue(frame);
        WriteWaitingLocked();
    }

    /// <summary>
    /// Writes what waits, then flushes once; called by the writer's holder. A flush Kestrel completes at once leaves the
    /// writer free; one it does not keeps the writer held until it completes, and then writes what waited meanwhile.
    /// </summary>
    private void WriteWaitingLocked()
    {
        try
        {
            WriteAndFlushLocked();
        }
#pragma warning disable CA1031 // One client's failed write must end that client's stream, not the fan-out to the others.
        catch (Exception)
#pragma warning restore CA1031
        {
            _stopped = true;
            ReleaseStoppedLocked();
            AbortLocked();
        }
    }

    private void WriteAndFlushLocked()
    {
        while (true)
        {
            var wrote = false;
            while (!_stopped && _waiting.TryDequeue(out var frame))
            {
                wrote |= WriteLocked(frame);
            }
            if (_stopped)
            {
                ReleaseStoppedLocked();
                return;
            }
            if (!wrote)
            {
                _held = false;
                return;
            }
            var flush = _writer.FlushAsync(CancellationToken.None);
            if (!flush.IsCompleted)
            {
                _flushPending = true;
                _ = AwaitFlushAsync(flush);
                return;
            }
            // Read at once: a pooled ValueTask's result is read exactly once.
            if (IsClosed(flush.GetAwaiter().GetResult()))
            {
                StopLocked(null);
            }
        }
    }

    /// <summary>The holder of a stopped stream lets go of the writer: nothing writes to it any more.</summary>
    private void ReleaseStoppedLocked()
    {
        _waiting.Clear();
        _held = false;
        _ended.TrySetResult();
    }

    private bool WriteLocked(EventFrame frame)
    {
        var admitted = _plan.Admit(frame);
        if (admitted)
        {
            _writer.Write(frame.Bytes.Span);
            _written?.Invoke(frame);
        }
        if (_plan.Closing is { } closing)
        {
            StopLocked(closing);
        }
        return admitted;
    }

    private async Task AwaitFlushAsync(ValueTask<FlushResult> flush)
    {
        var closed = true;
        try
        {
            closed = IsClosed(await flush.ConfigureAwait(false));
        }
#pragma warning disable CA1031 // Nothing awaits this task: whatever a flush fails with, the client's connection is gone.
        catch (Exception)
#pragma warning restore CA1031
        {
        }
        // Kestrel may complete the flush on its own output loop: go on from the thread pool, not inside Kestrel.
        await Task.Yield();
        lock (_gate)
        {
            _flushPending = false;
            if (closed)
            {
                StopLocked(null);
            }
            WriteWaitingLocked();
        }
    }

    private void StopLocked(EventFrame? last)
    {
        if (_stopped)
        {
            return;
        }
        _stopped = true;
        Last = last;
        if (_flushPending)
        {
            // Its completion frees the writer (see AwaitFlushAsync); a reader that stopped reading never completes it.
            _writer.CancelPendingFlush();
        }
        else if (!_held)
        {
            _ended.TrySetResult();
        }
    }

    private static bool IsClosed(FlushResult result) => result.IsCanceled || result.IsCompleted;
}
