namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Every limit a test waits under, in one place, named for what it waits for. Each is as long as the slowest thing
/// under it takes on two loaded cores, with a margin; a test that needs longer adds a named one here, with its reason.
/// </summary>
public static class TestConstants
{
    /// <summary>What a healthy app does at once: an answer, the next event on an open stream, a (re)subscription.</summary>
    public static readonly TimeSpan DefaultTimeout = TimeSpan.FromSeconds(30);

    /// <summary>
    /// A resource reaching a state (a start through DCP, a restart after its backoff), clients caught up after a fault,
    /// a stream reaching a count under load, telemetry reaching the dashboard (services export every second, but Aspire's
    /// Redis instrumentation makes its spans only when it next flushes its profiling sessions, about every 10 s).
    /// </summary>
    public static readonly TimeSpan LongTimeout = TimeSpan.FromSeconds(60);

    /// <summary>
    /// A Sentinel failover (down-after, election, promotion, clients reconnecting), a slow HTTP/1.1 reader being cut
    /// off once every buffer between it and the gateway is full, and the dashboard's metrics table showing a changed
    /// value, which it does only some while after the export that carried it.
    /// </summary>
    public static readonly TimeSpan ExtraLongTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The whole app started from the AppHost's model, until every resource is healthy.</summary>
    public static readonly TimeSpan AppStartTimeout = TimeSpan.FromSeconds(180);

    /// <summary>The AppHost run in publish mode, one pipeline step writing its files (no app starts).</summary>
    public static readonly TimeSpan PublishTimeout = TimeSpan.FromMinutes(2);

    /// <summary>The built AppHost started as a process, until it reports its resources running.</summary>
    public static readonly TimeSpan AppHostProcessStartTimeout = TimeSpan.FromSeconds(90);

    /// <summary>The built AppHost and every process under it gone after Ctrl+C.</summary>
    public static readonly TimeSpan AppHostProcessStopTimeout = TimeSpan.FromSeconds(20);

    /// <summary>A timeout as Playwright takes it, in milliseconds.</summary>
    public static float InMilliseconds(this TimeSpan timeout) => (float)timeout.TotalMilliseconds;
}
