using System.Diagnostics;
using System.Globalization;

namespace CowAspire.Bench;

/// <summary>Memory and CPU of a system's processes (and the bench's own CPU) at one moment.</summary>
public sealed record Snapshot(long GatewayRssKb, long GatewayPssKb, double GatewayCpu, long AllRssKb, long AllPssKb, double AllCpu, double ClientCpu,
    double MachineBusy, double MachineTotal, IReadOnlyDictionary<string, double> CpuByProcess, long GatewayNativeHeapKb)
{
    public static Snapshot Take(ISubject subject)
    {
        var gateway = subject.GatewayPids;
        var all = subject.AllPids;
        using var self = Process.GetCurrentProcess();
        return new Snapshot(
            ProcStats.SumKb(gateway, pid => ProcStats.StatusKb(pid, "VmRSS")),
            ProcStats.SumKb(gateway, ProcStats.PssKb),
            ProcStats.CpuSeconds(gateway),
            ProcStats.SumKb(all, pid => ProcStats.StatusKb(pid, "VmRSS")),
            ProcStats.SumKb(all, ProcStats.PssKb),
            ProcStats.CpuSeconds(all),
            self.TotalProcessorTime.TotalSeconds,
            ProcStats.MachineCpu().Busy,
            ProcStats.MachineCpu().Total,
            // Processes of one name (DCP's helpers, the dotnet run wrappers) are one row, their CPU added up.
            subject.Processes.GroupBy(p => p.Name).ToDictionary(g => g.Key, g => g.Sum(p => ProcStats.CpuSeconds(p.Pid))),
            ProcStats.SumKb(gateway, ProcStats.NativeHeapKb));
    }
}

/// <summary>Samples resident memory every 250 ms while a system runs and keeps the peak.</summary>
public sealed class MemorySampler : IDisposable
{
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _loop;
    private long _peakGateway;
    private long _peakAll;

    public MemorySampler(ISubject subject)
    {
        _loop = Task.Run(async () =>
        {
            using var timer = new PeriodicTimer(TimeSpan.FromMilliseconds(250));
            try
            {
                do
                {
                    var gateway = ProcStats.SumKb(subject.GatewayPids, pid => ProcStats.StatusKb(pid, "VmRSS"));
                    var all = ProcStats.SumKb(subject.AllPids, pid => ProcStats.StatusKb(pid, "VmRSS"));
                    Volatile.Write(ref _peakGateway, Math.Max(Volatile.Read(ref _peakGateway), gateway));
                    Volatile.Write(ref _peakAll, Math.Max(Volatile.Read(ref _peakAll), all));
                }
                while (await timer.WaitForNextTickAsync(_stop.Token));
            }
            catch (OperationCanceledException)
            {
            }
        });
    }

    public long PeakGatewayKb => Volatile.Read(ref _peakGateway);

    public long PeakAllKb => Volatile.Read(ref _peakAll);

    public void Dispose()
    {
        _stop.Cancel();
        _loop.Wait(TimeSpan.FromSeconds(2));
        _stop.Dispose();
    }
}

/// <summary>Everything measured for one system in one scenario.</summary>
public sealed class SystemResult
{
    public string System { get; set; } = "";
    public string GatewayLabel { get; set; } = "";
    public string AllLabel { get; set; } = "";
    public int Streams { get; set; }
    public int Messages { get; set; }
    public double StartSeconds { get; set; }

    /// <summary>How long after the warm-up round the gateway took to idle at steady state (its JIT done).</summary>
    public double SteadySeconds { get; set; }
    public int Connections { get; set; }
    public int Established { get; set; }
    public int Failed { get; set; }
    public string Protocols { get; set; } = "";
    public string OpenFailures { get; set; } = "";
    public double ConnectSeconds { get; set; }
    public int WarmedUp { get; set; }
    public double PublishSeconds { get; set; }
    public double EndSeconds { get; set; }
    public int PublishFailures { get; set; }
    public double PublishP50Ms { get; set; }
    public long Delivered { get; set; }
    public long Expected { get; set; }
    public int CompleteSubscribers { get; set; }
    public long Duplicates { get; set; }
    public long Reconnects { get; set; }
    public long OtherEvents { get; set; }
    public long DataBytes { get; set; }
    public long DataEvents { get; set; }

    /// <summary>Body bytes the subscribers received (SSE text after TLS, HTTP/2 framing and chunking), whole run.</summary>
    public long BodyBytes { get; set; }

    /// <summary>Events with data the subscribers received, whatever phase (warm-up, settle, measured).</summary>
    public long AllEvents { get; set; }

    /// <summary>One bench message's event exactly as a subscriber received it (SSE text).</summary>
    public string? SampleEvent { get; set; }
    public double LatencyP50Ms { get; set; }
    public double LatencyP90Ms { get; set; }
    public double LatencyP99Ms { get; set; }
    public double LatencyP999Ms { get; set; }
    public double LatencyMaxMs { get; set; }

    /// <summary>
    /// Fan-out spread: from an event's first receipt at any subscriber to its receipt at each of the others. It leaves out
    /// what comes before the gateway's first write (the publish path), so below saturation it is the fan-out's own tail,
    /// alike for every system. Near saturation compare end-to-end latency instead: a gateway that holds the next event
    /// back until pending flushes complete (the floor's publish request) lets its clients catch up first.
    /// </summary>
    public double SpreadP50Ms { get; set; }
    public double SpreadP99Ms { get; set; }
    public double SpreadP999Ms { get; set; }
    public Snapshot? Idle { get; set; }
    public Snapshot? AfterConnect { get; set; }
    public Snapshot? Connected { get; set; }
    public Snapshot? End { get; set; }

    /// <summary>After the settle phase: where the measured fan-out's CPU starts.</summary>
    public Snapshot? Settled { get; set; }
    public long PeakGatewayRssKb { get; set; }
    public long PeakAllRssKb { get; set; }
    public string StopNotes { get; set; } = "";

    /// <summary>Where the gateway's CPU went during the fan-out, when profiled.</summary>
    public CpuProfile? Profile { get; set; }
    public string? Error { get; set; }

    /// <summary>Which run of the scenario this was (1-based).</summary>
    public int Run { get; set; } = 1;

    /// <summary>How busy the machine was (all cores, percent) just before the run started.</summary>
    public double BusyBeforePercent { get; set; } = double.NaN;

    public double StreamsPerSecond => ConnectSeconds > 0 ? Established / ConnectSeconds : double.NaN;
    public double AverageEventBytes => DataEvents > 0 ? (double)DataBytes / DataEvents : double.NaN;
    public double WireBytesPerEvent => AllEvents > 0 ? (double)BodyBytes / AllEvents : double.NaN;
    public double CompletenessPercent => Expected > 0 ? 100.0 * Delivered / Expected : double.NaN;

    /// <summary>Gateway memory added by the open streams, per stream, in KiB.</summary>
    public double RssPerStreamKb => Idle is { } idle && Connected is { } c && Established > 0
        ? (double)(c.GatewayRssKb - idle.GatewayRssKb) / Established : double.NaN;

    /// <summary>Of that, the part in malloc's heaps (native code: OpenSSL above all), per stream, in KiB.</summary>
    public double NativeHeapPerStreamKb => Idle is { } idle && Connected is { } c && Established > 0
        ? (double)(c.GatewayNativeHeapKb - idle.GatewayNativeHeapKb) / Established : double.NaN;

    /// <summary>The rest of it: .NET's GC heap and pools, the runtime's code (nginx: nothing, its pools are malloc's).</summary>
    public double OtherMemoryPerStreamKb => RssPerStreamKb - NativeHeapPerStreamKb;

    public double ConnectCpu(Func<Snapshot, double> cpu) => Idle is { } a && Connected is { } b ? cpu(b) - cpu(a) : double.NaN;

    public double PublishCpu(Func<Snapshot, double> cpu) => (Settled ?? Connected) is { } a && End is { } b ? cpu(b) - cpu(a) : double.NaN;

    /// <summary>CPU seconds the rest of the machine (other processes, kernel threads) used during the fan-out.</summary>
    public double OtherCpu => Math.Max(0, PublishCpu(s => s.MachineBusy) - PublishCpu(s => s.AllCpu) - PublishCpu(s => s.ClientCpu));

    /// <summary>How busy all cores were during the fan-out, in percent.</summary>
    public double MachineBusyPercent => 100 * PublishCpu(s => s.MachineBusy) / PublishCpu(s => s.MachineTotal);

    public string CpuByProcess => (Settled ?? Connected) is { } a && End is { } b
        ? string.Join(", ", b.CpuByProcess.Select(kv => $"{kv.Key} {(kv.Value - a.CpuByProcess.GetValueOrDefault(kv.Key)).ToString("F2", CultureInfo.InvariantCulture)}"))
        : "";

    /// <summary>Gateway CPU per delivered event during the publish phase, in microseconds.</summary>
    public double CpuPerDeliveryUs(Func<Snapshot, double> cpu) => Delivered > 0 ? PublishCpu(cpu) / Delivered * 1e6 : double.NaN;
}

/// <summary>Every run of one scenario; the report shows, per system, the run least disturbed by other load.</summary>
public sealed record Scenario(Target Target, Client.WireProtocol Protocol, int Streams, IReadOnlyList<SystemResult> Runs)
{
    /// <summary>Extra runs under perf, one per system, for where the CPU goes; not in the measured tables.</summary>
    public IReadOnlyList<SystemResult> Profiled { get; init; } = [];

    /// <summary>Why the scenario was not run (a limit of this machine), or null.</summary>
    public string? Skipped { get; init; }

    public string Title => $"{(Target == Target.Gateway ? "gateway alone" : "whole app")}, {Client.SseEndpoint.Name(Protocol)}, {Streams:N0} streams";

    public SystemResult? Reported(string system) =>
        Runs.Where(r => r.System == system && r.Error is null).OrderBy(r => r.OtherCpu).ThenBy(r => r.Run).FirstOrDefault();

    public IEnumerable<SystemResult> Of(string system) => Runs.Where(r => r.System == system);
}
