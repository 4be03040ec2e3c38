namespace CowAspire.Api;

internal static partial class Log
{
    [LoggerMessage(Level = LogLevel.Debug, Message = "Published quote {Id}")]
    public static partial void QuotePublished(this ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Skipped a scheduled quote: Redis is unavailable ({Reason})")]
    public static partial void PublishSkipped(this ILogger logger, string reason);

    [LoggerMessage(Level = LogLevel.Information, Message = "Accepted submitted quote {Id}")]
    public static partial void QuoteSubmitted(this ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Information, Message = "Returned quote {Id} again for a retry with the same Idempotency-Key")]
    public static partial void SubmitReplayed(this ILogger logger, long id);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Refused a submitted quote: Redis could not take it ({Reason})")]
    public static partial void SubmitRefused(this ILogger logger, string reason);
}
