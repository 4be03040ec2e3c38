using Aspire.Hosting;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// Lets a test run the AppHost's own Program.cs up to <c>Build()</c> and take the builder there, as
/// WebApplicationFactory does with a web app's entry point: the model is declared once, in Program.cs.
/// </summary>
internal static class TestingHook
{
    // Per thread: the entry point runs on a thread of its own, so a test building another app elsewhere
    // (even at the same moment) is never captured.
    [ThreadStatic]
    private static TaskCompletionSource<DistributedApplicationBuilder>? t_capture;

    [ThreadStatic]
    private static Action<DistributedApplicationOptions>? t_configure;

    /// <summary>Changes the testing builder makes to the options of a builder created on this thread.</summary>
    public static Action<DistributedApplicationOptions>? ConfigureOptions => t_configure;

    public static void Arm(TaskCompletionSource<DistributedApplicationBuilder> capture, Action<DistributedApplicationOptions> configure) =>
        (t_capture, t_configure) = (capture, configure);

    public static void CaptureOrContinue(DistributedApplicationBuilder builder)
    {
        if (t_capture is { } capture)
        {
            (t_capture, t_configure) = (null, null);
            capture.SetResult(builder);
            throw new BuilderCapturedException();
        }
    }
}

/// <summary>Ends the AppHost's entry point once a test has its builder; never seen outside the testing builder.</summary>
internal sealed class BuilderCapturedException : Exception;
