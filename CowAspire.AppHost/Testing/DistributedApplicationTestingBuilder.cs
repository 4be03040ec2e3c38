using System.Reflection;
using CowAspire.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace CowAspire.AppHost.Testing;

/// <summary>
/// Starts the AppHost's own model for a test, as Aspire's <c>DistributedApplicationTestingBuilder</c>: random
/// ports (so tests and a developer's instance never collide), resource output to the test instead of the console.
/// </summary>
public static class DistributedApplicationTestingBuilder
{
    private static readonly TimeSpan EntryPointTimeout = TimeSpan.FromSeconds(30);

    /// <summary>An empty app model with the testing defaults, for tests of the orchestrator itself.</summary>
    public static DistributedApplicationBuilder Create(params string[] args) => new(args, TestingOptions());

    /// <param name="args">Arguments for the AppHost, as on its command line (<c>Key=Value</c> configuration).</param>
    public static async Task<DistributedApplicationBuilder> CreateAsync<TEntryPoint>(string[]? args = null, CancellationToken cancellationToken = default)
        where TEntryPoint : class
    {
        var entryPoint = typeof(TEntryPoint).Assembly.EntryPoint
            ?? throw new InvalidOperationException($"{typeof(TEntryPoint).Assembly.GetName().Name} has no entry point.");

        var capture = new TaskCompletionSource<DistributedApplicationBuilder>(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            TestingHook.Arm(capture, TestingOptions());
            RunEntryPoint(entryPoint, args ?? [], capture);
        })
        {
            IsBackground = true,
            Name = "AppHost entry point",
        };
        thread.Start();
        return await capture.Task.WaitAsync(EntryPointTimeout, cancellationToken);
    }

    private static DistributedApplicationOptions TestingOptions() => new()
    {
        RandomizePorts = true,
        WriteResourceLogsToConsole = false,
        ConfigureHost = host => host.Configuration.AddInMemoryCollection(new Dictionary<string, string?>
        {
            ["Logging:LogLevel:Default"] = "Warning",
        }),
    };

    private static void RunEntryPoint(MethodInfo entryPoint, string[] args, TaskCompletionSource<DistributedApplicationBuilder> capture)
    {
        try
        {
            entryPoint.Invoke(null, entryPoint.GetParameters().Length == 0 ? [] : [args]);
            capture.TrySetException(new InvalidOperationException("The AppHost's entry point returned without calling Build()."));
        }
        catch (TargetInvocationException ex) when (ex.InnerException is BuilderCapturedException)
        {
        }
        catch (TargetInvocationException ex)
        {
            capture.TrySetException(ex.InnerException ?? ex);
        }
    }
}
