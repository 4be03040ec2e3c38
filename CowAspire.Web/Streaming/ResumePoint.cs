using CowAspire.Contracts;

namespace CowAspire.Web.Streaming;

/// <summary>Where a resuming client continues: after <paramref name="After"/> in <paramref name="Epoch"/>, up to <paramref name="ReplayTo"/> from history.</summary>
/// <param name="ReplayTo">The newest announced id: history past it is not acknowledged yet, and is never sent.</param>
/// <param name="Reset">Why the client's own Last-Event-ID could not be used, when it could not (sent as a <c>reset</c>).</param>
public sealed record ResumePoint(string Epoch, long After, long ReplayTo, string? Reset)
{
    /// <summary>
    /// Where a client with <paramref name="last"/> continues. Never a refusal: an id of another epoch (Redis lost its
    /// data) replays the current epoch from its start, an id never given out goes live from the newest announced, and
    /// either is announced with a <c>reset</c>. An id without an epoch is taken as this epoch's.
    /// </summary>
    public static ResumePoint From(QuoteEventId last, QuoteState state)
    {
        ArgumentNullException.ThrowIfNull(state);
        if (last.Epoch is { } epoch && epoch != state.Epoch)
        {
            return new ResumePoint(state.Epoch, 0, state.Announced,
                $"Event id {last.Id}-{epoch} is from an epoch Redis no longer has; this is epoch {state.Epoch} from its start.");
        }
        // Past the newest announced but not past the newest given out is not ahead: after a failover the announced
        // id can lag behind what clients already hold.
        return last.Id > state.Newest
            ? new ResumePoint(state.Epoch, state.Announced, state.Announced,
                $"Event id {last.Id} is ahead of the newest quote ({state.Announced}); going on from there.")
            : new ResumePoint(state.Epoch, last.Id, state.Announced, null);
    }
}
