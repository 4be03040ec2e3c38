namespace CowAspire.Tests.Infrastructure;

/// <summary>A test against the shared app, with every resource's output in the test's output.</summary>
[Collection(AppCollection.Name)]
public abstract class AppTest : IDisposable
{
    public static readonly TimeSpan StreamTimeout = TimeSpan.FromSeconds(30);

    private readonly IDisposable _logs;

    protected AppTest(AppFixture fixture, ITestOutputHelper output)
    {
        Fixture = fixture;
        _logs = fixture.Logs.Attach(output);
    }

    protected AppFixture Fixture { get; }

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    public void Dispose()
    {
        _logs.Dispose();
        GC.SuppressFinalize(this);
    }
}
