using System.Diagnostics;
using System.Runtime.InteropServices;
using CowAspire.Bench;

if (args is ["--help"] or ["-h"])
{
    Console.WriteLine(BenchOptions.Usage);
    return 0;
}

BenchOptions options;
try
{
    options = BenchOptions.Parse(args);
}
catch (ArgumentException ex)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(BenchOptions.Usage);
    return 2;
}

// Every load is bounded: the whole run stops by itself after MaxDuration (and on Ctrl+C or SIGTERM), cleaning up.
using var run = new CancellationTokenSource(options.MaxDuration);
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = true;
    run.Cancel();
};
using var term = PosixSignalRegistration.Create(PosixSignal.SIGTERM, context =>
{
    context.Cancel = true;
    run.Cancel();
});

var started = DateTimeOffset.Now;
var machine = await Machine.DescribeAsync(options.Repo);
var scenarios = new List<Scenario>();
IReadOnlyDictionary<string, string> cowAspireEnvironment = new Dictionary<string, string>();
string? nchanConfig = null;
var failures = 0;

foreach (var streams in options.Streams)
{
    var runs = new List<SystemResult>();
    for (var repetition = 1; repetition <= options.Repeat && !run.IsCancellationRequested; repetition++)
    {
        foreach (var system in options.Systems)
        {
            if (run.IsCancellationRequested)
            {
                break;
            }
            var busyBefore = await WaitForQuietAsync(options, run.Token);
            Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {system}: {streams} streams, {options.Messages} messages at {options.Rate}/s, " +
                $"run {repetition}/{options.Repeat} (machine {busyBefore:F0} % busy before)");
            ISubject subject = system == "cowaspire" ? new CowAspireSubject(options, streams) : new NchanSubject(options);
            await using (subject)
            {
                try
                {
                    var start = Stopwatch.GetTimestamp();
                    await subject.StartAsync(run.Token);
                    var startSeconds = Stopwatch.GetElapsedTime(start).TotalSeconds;
                    if (options.PrimerStreams > 0 && options.PrimerMessages > 0)
                    {
                        // Unmeasured: the same path once at a small size, so no system is measured cold (JIT, first TLS, pools).
                        await new LoadRun(subject, options, Math.Min(options.PrimerStreams, streams), options.PrimerMessages, primer: true).RunAsync(run.Token);
                    }
                    var result = await new LoadRun(subject, options, streams, options.Messages).RunAsync(run.Token);
                    result.StartSeconds = startSeconds;
                    result.Run = repetition;
                    result.BusyBeforePercent = busyBefore;
                    result.StopNotes = await subject.StopAsync();
                    runs.Add(result);
                    Console.WriteLine($"  delivered {result.Delivered}/{result.Expected} ({result.CompletenessPercent:F2} %), " +
                        $"p50 {result.LatencyP50Ms:F1} ms, p99 {result.LatencyP99Ms:F1} ms, max {result.LatencyMaxMs:F1} ms, " +
                        $"per-connection medians {result.ConnectionMedianSpread} ms, " +
                        $"gateway RSS {result.Connected?.GatewayRssKb / 1024.0:F0} MiB, other load {result.OtherCpu:F1} CPU s; {result.StopNotes}");
                }
                catch (Exception ex)
                {
                    failures++;
                    var reason = run.IsCancellationRequested ? $"stopped: the run reached its limit of {options.MaxDuration} or was interrupted" : ex.Message;
                    Console.Error.WriteLine($"  {system} failed: {ex}");
                    runs.Add(new SystemResult { System = subject.Name, Streams = streams, Messages = options.Messages, Run = repetition, Error = reason });
                }
                if (subject is CowAspireSubject cowAspire)
                {
                    cowAspireEnvironment = cowAspire.Environment;
                }
                if (subject is NchanSubject nchan)
                {
                    nchanConfig = nchan.Config ?? nchanConfig;
                }
            }
        }
    }
    if (runs.Count > 0)
    {
        scenarios.Add(new Scenario(streams, runs));
    }
}

var report = Report.Render(options, machine, started, DateTimeOffset.Now - started, scenarios, cowAspireEnvironment, nchanConfig);
var path = Path.Combine(options.Repo, options.Report);
Directory.CreateDirectory(Path.GetDirectoryName(path)!);
await File.WriteAllTextAsync(path, report, CancellationToken.None);
Console.WriteLine($"Report written to {path}");
return failures == 0 ? 0 : 1;

// Waits (bounded) until the machine is quiet; returns how busy it was over the last second, in percent.
static async Task<double> WaitForQuietAsync(BenchOptions options, CancellationToken cancellationToken)
{
    var waited = Stopwatch.StartNew();
    while (true)
    {
        var before = ProcStats.MachineCpu();
        await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        var after = ProcStats.MachineCpu();
        var busy = 100 * (after.Busy - before.Busy) / Math.Max(0.01, after.Total - before.Total);
        if (busy < options.QuietPercent || waited.Elapsed >= options.QuietWait)
        {
            return busy;
        }
    }
}
