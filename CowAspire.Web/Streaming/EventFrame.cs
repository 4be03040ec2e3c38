namespace CowAspire.Web.Streaming;

/// <summary>
/// One event-stream frame, already encoded: built once per event and written as-is to every client.
/// </summary>
/// <param name="QuoteId">The quote's id, or <see cref="NoQuote"/> for frames that carry none (heartbeats, control).</param>
/// <param name="Epoch">The quote's epoch; on a frame without a quote, the epoch a <c>reset</c> moves the client to.</param>
/// <param name="PublishedAt">When the quote was published, for the publish-to-write latency.</param>
public sealed record EventFrame(long QuoteId, ReadOnlyMemory<byte> Bytes, string? Epoch = null, DateTimeOffset? PublishedAt = null)
{
    public const long NoQuote = -1;

    public bool IsQuote => QuoteId != NoQuote;

    /// <summary>A <c>reset</c>: what follows is the epoch <see cref="Epoch"/> from its first id.</summary>
    public bool IsReset => !IsQuote && Epoch is not null;
}
