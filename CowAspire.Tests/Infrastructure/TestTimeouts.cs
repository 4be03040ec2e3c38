namespace CowAspire.Tests.Infrastructure;

/// <summary>Every limit a test waits under, in one place.</summary>
public static class TestTimeouts
{
    /// <summary>A resource reaching a state: a start through DCP, a restart after its backoff.</summary>
    public static readonly TimeSpan Resource = TimeSpan.FromSeconds(60);

    /// <summary>The whole app started from the AppHost's model, until every resource is healthy.</summary>
    public static readonly TimeSpan AppStart = TimeSpan.FromSeconds(180);
}
