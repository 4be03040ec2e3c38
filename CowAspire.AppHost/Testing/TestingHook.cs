using CowAspire.AppHost.Hosting;

namespace CowAspire.AppHost.Testing;

/// <summary>
/// Lets a test run the AppHost's own Program.cs up to <c>Build()</c> and take the builder there, as
/// WebApplicationFactory does with a web app's entry point: the model is declared once, in Program.cs.
/// </summary>
internal static class TestingHook
{
    private static TaskCompletionSource<DistributedApplicationBuilder>? s_capture;

    public static void Arm(TaskCompletionSource<DistributedApplicationBuilder> capture) =>
        Volatile.Write(ref s_capture, capture);

    public static void Disarm() => Volatile.Write(ref s_capture, null);

    public static void CaptureOrContinue(DistributedApplicationBuilder builder)
    {
        if (Interlocked.Exchange(ref s_capture, null) is { } capture)
        {
            capture.SetResult(builder);
            throw new BuilderCapturedException();
        }
    }
}

/// <summary>Ends the AppHost's entry point once a test has its builder; never seen outside the testing builder.</summary>
internal sealed class BuilderCapturedException : Exception;
