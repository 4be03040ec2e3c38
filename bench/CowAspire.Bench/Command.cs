using System.Diagnostics;

namespace CowAspire.Bench;

/// <summary>A short helper command (openssl, perf): run to completion within a time limit, output captured.</summary>
public static class Command
{
    /// <returns>The exit code (-1 if the command is not installed) and what it wrote to stdout and stderr.</returns>
    public static async Task<(int Code, string Output, string Error)> RunAsync(string file, string[] arguments, TimeSpan limit, CancellationToken cancellationToken)
    {
        try
        {
            using var process = Process.Start(new ProcessStartInfo(file, arguments)
            {
                RedirectStandardOutput = true,
                RedirectStandardError = true,
                UseShellExecute = false,
            }) ?? throw new InvalidOperationException($"Cannot start {file}.");
            var output = process.StandardOutput.ReadToEndAsync(cancellationToken);
            var error = process.StandardError.ReadToEndAsync(cancellationToken);
            using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            timeout.CancelAfter(limit);
            try
            {
                await process.WaitForExitAsync(timeout.Token);
            }
            catch (OperationCanceledException)
            {
                process.Kill(entireProcessTree: true);
                throw;
            }
            return (process.ExitCode, await output, await error);
        }
        catch (System.ComponentModel.Win32Exception)
        {
            return (-1, "", $"{file} is not installed");
        }
    }
}
