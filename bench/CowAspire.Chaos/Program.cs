using System.Diagnostics;
using CowAspire.Bench;
using CowAspire.Bench.Client;
using CowAspire.Chaos;

if (args.Contains("--help") || args.Contains("-h"))
{
    Console.WriteLine(ChaosOptions.Usage);
    return 0;
}
ChaosOptions options;
try
{
    options = ChaosOptions.Parse(args);
}
catch (Exception ex) when (ex is ArgumentException or FormatException)
{
    Console.Error.WriteLine(ex.Message);
    Console.Error.WriteLine(ChaosOptions.Usage);
    return 2;
}

// Bounded: the load and faults for --minutes, then at most a few minutes to settle, catch up and stop.
var duration = TimeSpan.FromMinutes(options.Minutes);
using var run = new CancellationTokenSource(duration + TimeSpan.FromMinutes(8));
using var interruption = Interruption.CancelOnInterrupt(run);

var started = DateTimeOffset.Now;
var machine = await Machine.DescribeAsync(options.Repo);
var log = new ChaosLog();
await using var subject = new CowAspireSubject(BenchOptions.Parse(["--repo", options.Repo]), options.Clients, Target.App)
{
    AppHostArguments = options.Sentinel ? ["Redis:Sentinel:Enabled=true"] : [],
};
var clients = Enumerable.Range(0, options.Clients).Select(i => new EventSourceClient(i)).ToList();
var injected = new List<InjectedFault>();
OracleVerdict? verdict = null;
Publishers? publishers = null;
string? error = null;
var stopNotes = "";
try
{
    log.Line($"Starting the AppHost{(options.Sentinel ? " with Redis:Sentinel:Enabled=true" : "")}…");
    await subject.StartAsync(run.Token);
    var api = AppHostProcesses.Of(subject.AppHostPid).First(p => p.Kind == AppHostProcesses.Api);
    var connectionString = AppHostProcesses.Environment(api.Pid, "ConnectionStrings__redis").GetValueOrDefault("ConnectionStrings__redis")
        ?? throw new InvalidOperationException($"{api} was given no ConnectionStrings__redis.");
    var redis = new ChaosRedis(connectionString);
    log.Line($"Ready: web {subject.SubscribeUrl}, Api {subject.Api}, Redis primary on port {await redis.PrimaryPortAsync()}.");

    using var stopClients = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
    var endpoint = SseEndpoint.From(subject.SubscribeUrl, WireProtocol.Http2, subject.Trusts);
    var reading = clients.Select(c => Task.Run(() => c.RunAsync(endpoint, SourceAddresses.For(c.Number), stopClients.Token))).ToList();
    await Task.WhenAll(clients.Select(c => c.FirstBytes)).WaitAsync(TimeSpan.FromSeconds(60), run.Token);
    log.Line($"{clients.Count} EventSource clients are streaming; publishing {options.Rate}/s and injecting faults for {duration.TotalMinutes:0.#} min (seed {options.Seed}).");

    using var issuing = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
    using var settle = CancellationTokenSource.CreateLinkedTokenSource(run.Token);
    issuing.CancelAfter(duration);
    settle.CancelAfter(duration + TimeSpan.FromSeconds(120));
    publishers = new Publishers(subject.Api, options.Rate);
    var publishing = publishers.RunAsync(issuing.Token, settle.Token);

    var faults = new Faults(subject.AppHostPid, redis, new Random(options.Seed));
    var kinds = Enum.GetValues<FaultKind>().Where(k => options.Sentinel || k != FaultKind.Failover).ToArray();
    var shuffle = new Random(options.Seed);
    var bag = new Queue<FaultKind>();
    var clock = Stopwatch.StartNew();
    var recover = TimeSpan.FromSeconds(options.RecoverSeconds);
    await Task.Delay(recover, run.Token);
    // One fault at a time, every kind once before any twice; none starts unless it and its recovery fit.
    while (clock.Elapsed + recover + TimeSpan.FromSeconds(10) < duration)
    {
        if (bag.Count == 0)
        {
            foreach (var kind in kinds.OrderBy(_ => shuffle.Next()))
            {
                bag.Enqueue(kind);
            }
        }
        var next = bag.Dequeue();
        var at = DateTimeOffset.Now;
        string what;
        try
        {
            what = await faults.InjectAsync(next, run.Token);
        }
        catch (Exception ex) when (ex is InvalidOperationException or StackExchange.Redis.RedisException)
        {
            what = $"could not be done: {ex.Message}";
        }
        var recovering = Stopwatch.StartNew();
        var back = await faults.WaitForProcessesAsync(run.Token);
        injected.Add(new InjectedFault(next, at, back ? what : what + "; its processes were NOT all back within 60 s", recovering.Elapsed));
        log.Line($"Fault {injected.Count}: {next}: {injected[^1].What} (processes back after {recovering.Elapsed.TotalSeconds:F1} s)");
        await Task.Delay(recover, run.Token);
    }
    await publishing;
    log.Line($"Publishing stopped: {publishers.All.Count(p => p.Acknowledged is not null)} acknowledged of {publishers.All.Count}, {publishers.Refused} refusals and {publishers.Failed} failed tries retried.");

    // Clients catch up (bounded): each has the newest acknowledged quote of the epoch history is in, or gave up.
    var (historyEpoch, history) = await redis.HistoryAsync();
    var newest = publishers.All.Select(p => p.Acknowledged).Where(q => q?.Epoch == historyEpoch).Select(q => q!.Id).DefaultIfEmpty(0).Max();
    var catchUp = Stopwatch.StartNew();
    while (catchUp.Elapsed < TimeSpan.FromSeconds(60)
        && clients.Any(c => c.Failure is null && !(c.Newest is { } n && n.Epoch == historyEpoch && n.Id >= newest)))
    {
        await Task.Delay(250, run.Token);
    }
    log.Line($"Clients caught up to {newest}-{historyEpoch} in {catchUp.Elapsed.TotalSeconds:F1} s (or the 60 s limit).");
    await stopClients.CancelAsync();
    await Task.WhenAll(reading);
    (historyEpoch, history) = await redis.HistoryAsync();
    verdict = ContentOracle.Judge(clients, publishers.All, historyEpoch, history);
    log.Line($"Oracle: {verdict.Violations.Count} violation(s), {verdict.Unverifiable.Count} quote(s) with nothing to compare with.");
}
catch (Exception ex)
{
    error = run.IsCancellationRequested ? $"stopped: the run reached its limit or was interrupted ({ex.GetType().Name})" : ex.ToString();
    log.Line($"The soak failed: {error}");
}
finally
{
    publishers?.Dispose();
    stopNotes = await subject.StopAsync();
    log.Line(stopNotes);
}

var reportPath = Path.Combine(options.Repo, options.Report);
await File.WriteAllTextAsync(reportPath, ChaosReport.Render(options, machine, started, DateTimeOffset.Now - started, injected, clients,
    publishers, verdict, error, stopNotes, log), CancellationToken.None);
Console.WriteLine($"Report written to {reportPath}");
return error is null && verdict is { Violations.Count: 0 } ? 0 : 1;
