namespace CowAspire.Web.Streaming;

/// <summary>
/// One event-stream frame, already encoded: built once per event and written as-is to every client.
/// </summary>
/// <param name="QuoteId">The quote's id, or <see cref="NoQuote"/> for frames that carry none (heartbeats, control).</param>
public sealed record EventFrame(long QuoteId, ReadOnlyMemory<byte> Bytes)
{
    public const long NoQuote = -1;

    public bool IsQuote => QuoteId != NoQuote;
}
