namespace Aspire.Hosting.ApplicationModel;

/// <summary>One line a resource wrote to its console.</summary>
public readonly record struct LogLine(int LineNumber, string Content, bool IsErrorMessage);
