using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Resources' output for the tests that are running, as a logger provider on the AppHost (where Aspire's testing
/// builder sends it, category <c>{AppHost}.Resources.{resource}</c>): each line goes to every attached test's output,
/// so a failing test shows what the processes said while it ran.
/// </summary>
public sealed class ResourceLogSink : ILoggerProvider
{
    private const string ResourcesCategory = ".Resources.";
    private readonly ConcurrentDictionary<ITestOutputHelper, byte> _outputs = new();

    public IDisposable Attach(ITestOutputHelper output)
    {
        _outputs[output] = 0;
        return new Detach(() => _outputs.TryRemove(output, out _));
    }

    /// <summary>Adds the sink to the AppHost's logging, resources' output only.</summary>
    public void AddTo(IServiceCollection services) =>
        services.AddLogging(logging => logging.AddProvider(this).AddFilter<ResourceLogSink>((category, _) => category?.Contains(ResourcesCategory, StringComparison.Ordinal) == true));

    public ILogger CreateLogger(string categoryName)
    {
        var index = categoryName.LastIndexOf(ResourcesCategory, StringComparison.Ordinal);
        return new Writer(this, index < 0 ? categoryName : categoryName[(index + ResourcesCategory.Length)..]);
    }

    private void Write(string source, bool isError, string text)
    {
        foreach (var output in _outputs.Keys)
        {
            try
            {
                output.WriteLine($"[{source}]{(isError ? " !" : "")} {text}");
            }
            catch (InvalidOperationException)
            {
                // The test finished between the snapshot of outputs and this write.
            }
        }
    }

    public void Dispose()
    {
    }

    private sealed class Writer(ResourceLogSink sink, string source) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter) =>
            sink.Write(source, logLevel >= LogLevel.Error, formatter(state, exception));
    }

    private sealed class Detach(Action detach) : IDisposable
    {
        public void Dispose() => detach();
    }
}
