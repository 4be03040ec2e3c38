using System.Collections.Concurrent;
using CowAspire.AppHost.Orchestration;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Resource output for the tests that are running: each line goes to every attached test's output, so a failing
/// test shows what the processes said while it ran.
/// </summary>
public sealed class ResourceLogSink
{
    private readonly ConcurrentDictionary<ITestOutputHelper, byte> _outputs = new();

    public IDisposable Attach(ITestOutputHelper output)
    {
        _outputs[output] = 0;
        return new Detach(() => _outputs.TryRemove(output, out _));
    }

    public void Write(LogLine line)
    {
        foreach (var output in _outputs.Keys)
        {
            try
            {
                output.WriteLine($"[{line.Source}]{(line.IsError ? " !" : "")} {line.Text}");
            }
            catch (InvalidOperationException)
            {
                // The test finished between the snapshot of outputs and this write.
            }
        }
    }

    private sealed class Detach(Action detach) : IDisposable
    {
        public void Dispose() => detach();
    }
}
