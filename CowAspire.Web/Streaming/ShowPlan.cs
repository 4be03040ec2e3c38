namespace CowAspire.Web.Streaming;

/// <summary>A show: the next <paramref name="count"/> quotes published, then <c>closeStream</c>.</summary>
public sealed class ShowPlan(int count) : StreamPlan
{
    private int _delivered;

    public override IAsyncEnumerable<EventFrame> OpenAsync(CancellationToken cancellationToken) => AsyncEnumerable.Empty<EventFrame>();

    public override bool Admit(EventFrame frame)
    {
        if (frame.IsReset)
        {
            // A show is a show, not a ledger: it has no ids to resume from, so an epoch means nothing to it.
            return false;
        }
        if (frame.IsQuote && ++_delivered == count)
        {
            Closing = QuoteFrames.Close(_delivered);
        }
        return true;
    }
}
