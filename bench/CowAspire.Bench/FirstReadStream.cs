namespace CowAspire.Bench;

/// <summary>
/// Passes a response body through, counts reads and bytes, and calls back when its first bytes arrive. Both servers write something as soon
/// as a stream is subscribed (CowAspire a <c>retry:</c> line, nchan a <c>: hi</c> comment), neither of which the SSE
/// parser surfaces as an event, so this is how the bench knows a stream is live.
/// </summary>
internal sealed class FirstReadStream(Stream inner, Action onFirstBytes, Action<int> onRead) : Stream
{
    private bool _seen;

    public override bool CanRead => true;
    public override bool CanSeek => false;
    public override bool CanWrite => false;
    public override long Length => throw new NotSupportedException();
    public override long Position { get => throw new NotSupportedException(); set => throw new NotSupportedException(); }

    public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
    {
        var read = await inner.ReadAsync(buffer, cancellationToken);
        Seen(read);
        return read;
    }

    public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
        ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

    public override int Read(byte[] buffer, int offset, int count)
    {
        var read = inner.Read(buffer, offset, count);
        Seen(read);
        return read;
    }

    private void Seen(int read)
    {
        if (read > 0)
        {
            onRead(read);
        }
        if (read > 0 && !_seen)
        {
            _seen = true;
            onFirstBytes();
        }
    }

    public override void Flush()
    {
    }

    public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();
    public override void SetLength(long value) => throw new NotSupportedException();
    public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

    protected override void Dispose(bool disposing)
    {
        if (disposing)
        {
            inner.Dispose();
        }
        base.Dispose(disposing);
    }

    public override async ValueTask DisposeAsync()
    {
        await inner.DisposeAsync();
        await base.DisposeAsync();
    }
}
