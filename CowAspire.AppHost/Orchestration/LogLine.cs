namespace CowAspire.AppHost.Orchestration;

public sealed record LogLine(long Sequence, DateTimeOffset Timestamp, string Source, bool IsError, string Text);
