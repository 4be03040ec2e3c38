namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// A test with a whole app of its own, started for each test from the AppHost's model with <see cref="Args"/> and
/// <see cref="Configure"/>'s changes, for settings no other test may see; every resource's output goes to the test's
/// output.
/// </summary>
public abstract class OwnAppTest(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ResourceLogSink _logs = new();
    private DistributedApplication? _app;

    protected DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    protected ITestOutputHelper Output => output;

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    /// <summary>The AppHost's arguments, as on its command line (<c>--Redis:Sentinel:Enabled=true</c>).</summary>
    protected virtual string[] Args => [];

    /// <summary>What this test's app changes in the model (more environment, say).</summary>
    protected virtual void Configure(IDistributedApplicationTestingBuilder builder)
    {
    }

    public virtual async ValueTask InitializeAsync()
    {
        _logs.Attach(output);
        _app = await AppFixture.StartAsync(_logs, Cancellation, Configure, Args);
    }

    public async ValueTask DisposeAsync()
    {
        if (_app is not null)
        {
            await _app.DisposeAsync();
        }
        GC.SuppressFinalize(this);
    }
}
