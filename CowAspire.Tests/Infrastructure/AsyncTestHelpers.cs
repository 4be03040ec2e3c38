using System.Runtime.CompilerServices;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Awaits a task for at most a named timeout (<see cref="TestConstants"/>), ending with the test's cancellation, and
/// fails with the file and line of the wait that ran out, as Aspire's own tests do.
/// </summary>
public static class AsyncTestHelpers
{
    public static async Task DefaultTimeout(this Task task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        await task.DefaultTimeout(async t => { await t; return true; }, timeout, file, line);

    public static Task<T> DefaultTimeout<T>(this Task<T> task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.DefaultTimeout(t => t, timeout, file, line);

    public static Task DefaultTimeout(this ValueTask task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(timeout, file, line);

    public static Task<T> DefaultTimeout<T>(this ValueTask<T> task, TimeSpan? timeout = null,
        [CallerFilePath] string file = "", [CallerLineNumber] int line = 0) =>
        task.AsTask().DefaultTimeout(timeout, file, line);

    private static async Task<T> DefaultTimeout<TTask, T>(this TTask task, Func<TTask, Task<T>> result, TimeSpan? timeout, string file, int line)
        where TTask : Task
    {
        var limit = timeout ?? TestConstants.DefaultTimeout;
        try
        {
            await task.WaitAsync(limit, TestContext.Current.CancellationToken);
        }
        catch (TimeoutException e) when (!task.IsCompleted)
        {
            throw new TimeoutException($"Not done within {limit.TotalSeconds:0} s, waited at {Path.GetFileName(file)}:{line}.", e);
        }
        return await result(task);
    }
}
