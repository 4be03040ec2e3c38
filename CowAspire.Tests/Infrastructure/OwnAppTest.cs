namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// A test with a whole app of its own, started for each test from the AppHost's model with <see cref="Configure"/>'s
/// changes, for settings no other test may see; every resource's output goes to the test's output.
/// </summary>
public abstract class OwnAppTest(ITestOutputHelper output) : IAsyncLifetime
{
    private readonly ResourceLogSink _logs = new();
    private DistributedApplication? _app;

    protected DistributedApplication App => _app ?? throw new InvalidOperationException("The app has not started.");

    protected static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    protected abstract void Configure(IDistributedApplicationTestingBuilder builder);

    public async ValueTask InitializeAsync()
    {
        _logs.Attach(output);
        _app = await AppFixture.StartAsync(_logs, Cancellation, Configure);
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
