namespace CowAspire.Tests.Infrastructure;

/// <summary>Asks a condition again and again, for things that send no notification; prefer an event when there is one.</summary>
public static class Poll
{
    /// <summary>
    /// Checks <paramref name="condition"/> until it holds, for things that send no notification (a process
    /// disappearing from /proc); fails after <paramref name="timeout"/> with <paramref name="what"/>.
    /// </summary>
    public static Task UntilAsync(Func<bool> condition, TimeSpan timeout, string what, CancellationToken cancellationToken) =>
        UntilAsync(() => Task.FromResult(condition()), timeout, what, cancellationToken);

    /// <summary>The same, for a condition that has to be asked for (a count Redis keeps).</summary>
    public static async Task UntilAsync(Func<Task<bool>> condition, TimeSpan timeout, string what, CancellationToken cancellationToken)
    {
        var deadline = DateTimeOffset.UtcNow + timeout;
        while (!await condition())
        {
            if (DateTimeOffset.UtcNow > deadline)
            {
                throw new TimeoutException($"Timed out after {timeout.TotalSeconds:0} s waiting until {what}.");
            }
            await Task.Delay(TimeSpan.FromMilliseconds(25), cancellationToken);
        }
    }
}
