namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// A test against an app its fixture started for a collection or a class, with every resource's output in the test's
/// output. Tests that share a fixture derive from this rather than attach its logs themselves.
/// </summary>
public abstract class FixtureTest<TFixture> : IAsyncLifetime
    where TFixture : AppFixture
{
    private readonly IDisposable _logs;

    protected FixtureTest(TFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        Output = output;
        _logs = fixture.Logs.Attach(output);
    }

    protected TFixture Fixture { get; }

    protected ITestOutputHelper Output { get; }

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public virtual ValueTask InitializeAsync() => ValueTask.CompletedTask;

    public virtual ValueTask DisposeAsync()
    {
        _logs.Dispose();
        GC.SuppressFinalize(this);
        return ValueTask.CompletedTask;
    }
}
