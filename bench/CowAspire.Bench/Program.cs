using System.Diagnostics;
using CowAspire.Bench;
using CowAspire.Bench.Client;

// Socket continuations run on the epoll thread that saw the data, not queued to the thread pool: one hop and one
// wake-up less per event per connection, which at 10,000 connections is most of the client's cost. Read once, when
// the first socket is made, so it is set before any; ChildProcess keeps it from the servers.
Environment.SetEnvironmentVariable(ChildProcess.InlineCompletions, "1");

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
using var interruption = Interruption.CancelOnInterrupt(run);

var started = DateTimeOffset.Now;
var machine = await Machine.DescribeAsync(options.Repo);
var scenarios = new List<Scenario>();
IReadOnlyDictionary<string, string> cowAspireEnvironment = new Dictionary<string, string>();
string? nchanConfig = null;
var failures = 0;
var openFiles = ProcStats.OpenFiles();
var reportPath = Path.Combine(options.Repo, options.Report);
Console.WriteLine($"Open-file limits of this process (children inherit them): soft {openFiles.Soft}, hard {openFiles.Hard}.");
{
    // A rough forecast from quick runs on this machine: ~12 s per run to start, warm up and stop a system, plus the
    // publishing, plus connection set-up (~700 TLS connections a second with both client and server on two cores).
    var runs = options.Targets.Sum(t => options.Protocols.Count * options.Streams.Count(n => DescriptorsNeeded(t, n) <= openFiles.Soft))
        * options.Systems.Count * options.Repeat
        + options.Protocols.Count * options.TelemetryOffStreams.Count(n => options.Streams.Contains(n) && options.Targets.Contains(Target.Gateway)) * options.Repeat
        + (options.Profile && options.Targets.Contains(Target.Gateway) ? options.Protocols.Count * options.Systems.Count : 0);
    var seconds = options.Targets.Sum(t => options.Protocols.Count * options.Streams.Where(n => DescriptorsNeeded(t, n) <= openFiles.Soft)
        .Sum(n => 12 + options.SettleSeconds + options.Seconds + (options.PrimerMessages / options.Rate) + (n / 700.0)))
        * options.Systems.Count * options.Repeat;
    Console.WriteLine($"{runs} runs, about {seconds / 60:F0} minutes plus up to {options.SteadyWait.TotalSeconds:F0} s a run waiting for steady state " +
        $"(hard limit {options.MaxDuration.TotalSeconds:F0} s).");
}

foreach (var target in options.Targets)
{
    foreach (var protocol in options.Protocols)
    {
        foreach (var streams in options.Streams)
        {
            // Past the limit the scenario would measure EMFILE, not fan-out.
            var needed = DescriptorsNeeded(target, streams);
            if (needed > openFiles.Soft)
            {
                var why = $"needs about {needed} open files per process, above this machine's limit of {openFiles.Soft} (ulimit -n; raising it needs CAP_SYS_RESOURCE)";
                Console.WriteLine($"Skipping {target} {protocol} {streams}: {why}");
                scenarios.Add(new Scenario(target, protocol, streams, []) { Skipped = why });
                continue;
            }
            var runs = new List<SystemResult>();
            for (var repetition = 1; repetition <= options.Repeat && !run.IsCancellationRequested; repetition++)
            {
                foreach (var system in options.Systems)
                {
                    if (run.IsCancellationRequested)
                    {
                        break;
                    }
                    if (target == Target.App && GatewayOnly(system))
                    {
                        continue;
                    }
                    var result = await RunOnceAsync(system, target, protocol, streams, repetition);
                    runs.Add(result);
                }
                if (target == Target.Gateway && options.Systems.Contains("cowaspire") && options.TelemetryOffStreams.Contains(streams)
                    && !run.IsCancellationRequested)
                {
                    runs.Add(await RunOnceAsync(CowAspireSubject.TelemetryOff, target, protocol, streams, repetition));
                }
            }
            // Profiled runs come after the measured ones and stay out of their tables: perf's sampling and the perf map
            // cost CPU, which the measured runs must not pay.
            var profiledRuns = new List<SystemResult>();
            if (options.Profiles(target, streams))
            {
                foreach (var system in options.Systems.TakeWhile(_ => !run.IsCancellationRequested)
                    .Where(system => target == Target.Gateway || !GatewayOnly(system)))
                {
                    profiledRuns.Add(await RunOnceAsync(system, target, protocol, streams, 1, profiled: true));
                }
            }
            if (runs.Count > 0)
            {
                scenarios.Add(new Scenario(target, protocol, streams, runs) { Profiled = profiledRuns });
            }
        }
    }
}

var report = Report.Render(options, machine, started, DateTimeOffset.Now - started, scenarios, cowAspireEnvironment, nchanConfig);
Directory.CreateDirectory(Path.GetDirectoryName(reportPath)!);
await File.WriteAllTextAsync(reportPath, report, CancellationToken.None);
Console.WriteLine($"Report written to {reportPath}");
return failures == 0 ? 0 : 1;

// Starts one system fresh, gives it the warm-up round, measures one scenario, stops it.
// The floor's systems are one gateway process (beside the app or not): they have no whole app to compare with.
static bool GatewayOnly(string system) =>
    system is FloorSubject.FloorSystem or FloorSubject.TypedResultsSystem or FloorBesideAppSubject.System;

async Task<SystemResult> RunOnceAsync(string system, Target target, WireProtocol protocol, int streams, int repetition, bool profiled = false)
{
    var busyBefore = await WaitForQuietAsync(options, run.Token);
    Console.WriteLine($"[{DateTime.Now:HH:mm:ss}] {system}, {(target == Target.Gateway ? "gateway alone" : "whole app")}, {SseEndpoint.Name(protocol)}: " +
        $"{streams} streams, {options.Messages} messages at {options.Rate}/s, {(profiled ? "profiled run (not measured)" : $"run {repetition}/{options.Repeat}")} (machine {busyBefore:F0} % busy before)");
    ISubject subject = system switch
    {
        "cowaspire" => new CowAspireSubject(options, streams, target) { Profiled = profiled },
        CowAspireSubject.TelemetryOff => new CowAspireSubject(options, streams, target, telemetry: false),
        FloorSubject.FloorSystem => new FloorSubject(options),
        FloorSubject.TypedResultsSystem => new FloorSubject(options, typedResults: true),
        FloorBesideAppSubject.System => new FloorBesideAppSubject(options, streams),
        _ => new NchanSubject(options, target),
    };
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
                await new LoadRun(subject, options, protocol, Math.Min(options.PrimerStreams, streams), options.PrimerMessages, primer: true).RunAsync(run.Token);
            }
            // .NET's tiered JIT keeps recompiling for a minute or more after start (periodic paths such as telemetry export
            // need 30 calls per tier); a gateway in service has long finished. Measure steady state, not warm-up.
            var steadySeconds = await WaitForSteadyAsync(subject.GatewayPids, options, run.Token);
            CpuProfile? profile = null;
            var load = new LoadRun(subject, options, protocol, streams, options.Messages)
            {
                DuringFanOut = profiled
                    ? async (duration, token) =>
                    {
                        var label = $"{subject.Name.ToLowerInvariant()}-{SseEndpoint.Tag(protocol)}-{streams}";
                        // Skip the fan-out's first seconds (the last tier-ups of the JIT after the warm-up round), keep a second at the end.
                        var skip = TimeSpan.FromSeconds(Math.Min(2, duration.TotalSeconds / 4));
                        var seconds = TimeSpan.FromSeconds(Math.Min(options.ProfileSeconds, Math.Max(1, (duration - skip).TotalSeconds - 1)));
                        await Task.Delay(skip, token);
                        profile = await Profiler.SampleAsync(subject.GatewayPids, seconds, Path.Combine(options.Repo, "bench", "out", "profiles"), label, token);
                    }
                    : null,
            };
            var result = await load.RunAsync(run.Token);
            result.Profile = profile;
            result.StartSeconds = startSeconds;
            result.SteadySeconds = steadySeconds;
            result.Run = repetition;
            result.BusyBeforePercent = busyBefore;
            result.StopNotes = await subject.StopAsync();
            Console.WriteLine($"  delivered {result.Delivered}/{result.Expected} ({result.CompletenessPercent:F2} %), " +
                $"p50 {result.LatencyP50Ms:F1} ms, p99 {result.LatencyP99Ms:F1} ms, p99.9 {result.LatencyP999Ms:F1} ms, spread p99 {result.SpreadP99Ms:F1} ms, " +
                $"gateway CPU {result.CpuPerDeliveryUs(s => s.GatewayCpu):F1} µs/delivery, client {result.CpuPerDeliveryUs(s => s.ClientCpu):F1} µs/delivery, " +
                $"gateway RSS {result.Connected?.GatewayRssKb / 1024.0:F0} MiB ({result.RssPerStreamKb:F1} KiB/stream), " +
                $"{result.WireBytesPerEvent:F0} B/event, other load {result.OtherCpu:F1} CPU s; {result.StopNotes}");
            return result;
        }
        catch (Exception ex)
        {
            failures++;
            var reason = run.IsCancellationRequested ? $"stopped: the run reached its limit of {options.MaxDuration} or was interrupted" : ex.Message;
            Console.Error.WriteLine($"  {system} failed: {ex}");
            return new SystemResult { System = subject.Name, Streams = streams, Messages = options.Messages, Run = repetition, Error = reason };
        }
        finally
        {
            if (subject is CowAspireSubject { Name: "CowAspire" } cowAspire)
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

// Each client connection is a descriptor in the bench and in the gateway; DCP's proxy holds two per client (its
// side and the replica's); 500 for everything else a process has open.
static int DescriptorsNeeded(Target target, int streams) => (target == Target.App ? 2 * streams : streams) + 500;

// Waits until the gateway process(es) idle below --steady-cpu ms of CPU a second in two 5 s windows in a row (the JIT's
// recompiles come in bursts, so one short quiet window says little), at most --steady-seconds.
static async Task<double> WaitForSteadyAsync(IReadOnlyList<int> pids, BenchOptions options, CancellationToken cancellationToken)
{
    var waited = Stopwatch.StartNew();
    var quietWindows = 0;
    while (quietWindows < 2 && waited.Elapsed < options.SteadyWait)
    {
        var before = ProcStats.CpuSeconds(pids);
        var window = Stopwatch.StartNew();
        await Task.Delay(TimeSpan.FromSeconds(5), cancellationToken);
        var msPerSecond = (ProcStats.CpuSeconds(pids) - before) * 1000 / window.Elapsed.TotalSeconds;
        quietWindows = msPerSecond < options.SteadyCpuMsPerSecond * pids.Count ? quietWindows + 1 : 0;
    }
    return waited.Elapsed.TotalSeconds;
}

// Waits (bounded) until the machine is quiet; returns how busy it was over the last second, in percent.
static async Task<double> WaitForQuietAsync(BenchOptions options, CancellationToken cancellationToken)
{
    var waited = Stopwatch.StartNew();
    while (true)
    {
        var before = ProcStats.MachineCpu();
        try
        {
            await Task.Delay(TimeSpan.FromSeconds(1), cancellationToken);
        }
        catch (OperationCanceledException)
        {
            return double.NaN; // the run is over; the caller's next step reports why
        }
        var after = ProcStats.MachineCpu();
        var busy = 100 * (after.Busy - before.Busy) / Math.Max(0.01, after.Total - before.Total);
        if (busy < options.QuietPercent || waited.Elapsed >= options.QuietWait)
        {
            return busy;
        }
    }
}
