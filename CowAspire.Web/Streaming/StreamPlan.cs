namespace CowAspire.Web.Streaming;

/// <summary>
/// What one kind of stream sends: its opening (written before any broadcast frame, while those wait), then which of
/// the frames every client is offered it takes. A plan belongs to one stream; <see cref="Admit"/> is called under
/// that stream's lock, one frame at a time, in the order the broadcaster offers them.
/// </summary>
public abstract class StreamPlan
{
    /// <summary>The frames that start the stream (a <c>retry:</c>, a replay from history…); may set <see cref="Closing"/>.</summary>
    public abstract IAsyncEnumerable<EventFrame> OpenAsync(CancellationToken cancellationToken);

    /// <summary>Whether the stream writes <paramref name="frame"/>; may set <see cref="Closing"/> to end the stream after it.</summary>
    public abstract bool Admit(EventFrame frame);

    /// <summary>Once set, the stream's last frame: it is written after everything admitted, and the stream ends.</summary>
    public EventFrame? Closing { get; protected set; }
}
