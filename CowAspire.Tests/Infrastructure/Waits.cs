namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Every wait in a test has a limit: a token that ends with the test or after the limit, whichever comes first. A wait
/// through <c>ResourceNotifications</c> cancelled this way says which resource it was waiting for, in which state,
/// with its last log lines.
/// </summary>
public static class Waits
{
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(60);

    public static CancellationToken Within(TimeSpan? timeout = null)
    {
        var source = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        source.CancelAfter(timeout ?? DefaultTimeout);
        return source.Token;
    }
}
