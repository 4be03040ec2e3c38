namespace CowAspire.Web;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed to Redis channel {Channel}")]
    public static partial void Subscribed(this ILogger logger, string channel);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Cannot subscribe to Redis yet ({Reason}); retrying")]
    public static partial void SubscribeFailed(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Subscribed in epoch {Epoch}; newest quote {Newest}")]
    public static partial void Synchronized(this ILogger logger, string epoch, long newest);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Quote epoch changed from {OldEpoch} to {NewEpoch}: Redis lost its data; clients are told with a reset")]
    public static partial void EpochChanged(this ILogger logger, string oldEpoch, string newEpoch);

    [LoggerMessage(Level = LogLevel.Information, Message = "Redis subscription restored; catching up from history after id {LastId}")]
    public static partial void CatchingUp(this ILogger logger, long lastId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Gap in quote ids: last {LastId}, received {ReceivedId}; filling from history")]
    public static partial void GapDetected(this ILogger logger, long lastId, long receivedId);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Could not read history from id {FromId} (attempt {Attempt}): {Reason}")]
    public static partial void BackfillFailed(this ILogger logger, long fromId, int attempt, string reason);

    [LoggerMessage(Level = LogLevel.Warning, Message = "History no longer holds every quote from id {FromId}; cutting clients off so they resume")]
    public static partial void HistoryTooShort(this ILogger logger, long fromId);

    [LoggerMessage(Level = LogLevel.Error, Message = "Could not handle a message from Redis")]
    public static partial void MessageFailed(this ILogger logger, Exception exception);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Ignored an unreadable quote envelope ({Length} characters)")]
    public static partial void UnreadableEnvelope(this ILogger logger, int length);

    [LoggerMessage(Level = LogLevel.Information, Message = "Ended a stream whose client fell {Capacity} events behind; it resumes from history")]
    public static partial void ClientFellBehind(this ILogger logger, int capacity);

    [LoggerMessage(Level = LogLevel.Warning, Message = "The Api did not answer a forwarded quote: {Reason}")]
    public static partial void ApiUnavailable(this ILogger logger, string reason);
}
