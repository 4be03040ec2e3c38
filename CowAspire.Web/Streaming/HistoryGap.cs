namespace CowAspire.Web.Streaming;

public sealed record HistoryGap(long RequestedAfter, long? ResumedFrom);
