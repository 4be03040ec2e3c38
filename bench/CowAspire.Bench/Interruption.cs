using System.Runtime.InteropServices;

namespace CowAspire.Bench;

/// <summary>Ctrl+C and SIGTERM cancel the run, so it stops what it started and still writes its report.</summary>
public static class Interruption
{
    public static IDisposable CancelOnInterrupt(CancellationTokenSource run)
    {
        ArgumentNullException.ThrowIfNull(run);
        Console.CancelKeyPress += (_, e) =>
        {
            e.Cancel = true;
            run.Cancel();
        };
        return PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
        {
            context.Cancel = true;
            run.Cancel();
        });
    }
}
