using System.Globalization;
using System.Text;

namespace CowAspire.Bench;

/// <summary>Writes the Markdown report: one table per scenario, CowAspire and nchan side by side, with ratios.</summary>
public static class Report
{
    private static readonly CultureInfo Inv = CultureInfo.InvariantCulture;

    public static string Render(BenchOptions options, Machine machine, DateTimeOffset started, TimeSpan took,
        IReadOnlyList<Scenario> scenarios, IReadOnlyDictionary<string, string> cowAspireEnvironment, string? nchanConfig)
    {
        var md = new StringBuilder();
        md.AppendLine("# CowAspire fan-out benchmark: CowAspire vs nginx + nchan");
        md.AppendLine();
        md.AppendLine(Inv, $"Run on {started:yyyy-MM-dd HH:mm} UTC{started:zzz}, took {took.TotalSeconds:F0} s. Produced by:");
        md.AppendLine();
        md.AppendLine("```sh");
        md.AppendLine(options.Command ?? "dotnet bench/CowAspire.Bench/bin/Release/net10.0/CowAspire.Bench.dll " + string.Join(' ', Environment.GetCommandLineArgs().Skip(1)));
        md.AppendLine("```");
        md.AppendLine();
        md.AppendLine("| machine | |");
        md.AppendLine("|---|---|");
        foreach (var (name, value) in machine.Facts)
        {
            md.AppendLine(Inv, $"| {name} | {Cell(name == "Memory" ? GiB(value) : value)} |");
        }
        md.AppendLine();

        md.AppendLine("## What was measured");
        md.AppendLine();
        md.AppendLine(Inv, $"""
            For each scenario, each system is started fresh, then loaded the same way by the same client in the same run:
            K concurrent Server-Sent Events subscribers, {options.StreamsPerConnection} streams multiplexed on each client
            connection (TLS, ALPN h2; one `SocketsHttpHandler` per connection), each counted as open once its first body bytes arrive; the
            run goes on once every open stream has received one readiness message (not measured). Before that, each system,
            once started, gets one unmeasured warm-up round of the same kind ({options.PrimerStreams} streams,
            {options.PrimerMessages} messages), so neither is measured cold (.NET's JIT, first TLS handshakes, pools). Then {options.Messages} messages are published at
            {options.Rate.ToString(Inv)}/s ({options.TextLength} characters of quote text each), and the bench waits until every
            subscriber has every message or {options.DrainTimeout.TotalSeconds:F0} s after the last publish.

            Each scenario runs {options.Repeat} time(s) per system, the systems taking turns; before each run the bench waits
            (up to {options.QuietWait.TotalSeconds:F0} s) for the machine to be less than {options.QuietPercent.ToString(Inv)} % busy. The
            tables show, per system, the run in which other processes on the machine used the least CPU during the fan-out;
            their first rows list every run, so no loss or outlier is hidden by that choice.

            * **CowAspire**: the Release build of the AppHost (`Ports:web:https=0 Dashboard:Port=0`,
              `Quotes__PublishInterval=01:00:00`), which runs redis-server, the Api and two Web replicas behind its TCP front
              door. Subscribers: `GET {"{web}"}/events` through the front door (HTTP/2 over TLS with the ASP.NET Core
              development certificate). Publishing: `POST {"{api}"}/quotes` with `{"{\"text\":…}"}` on the Api's plain-HTTP endpoint from
              the dashboard's `/api/resources`; the Api writes the quote to Redis (INCR + XADD + PUBLISH), each Web replica
              renders it once as a cowsay HTML fragment and writes the same bytes to all its streams.
            * **nchan**: nginx with `libnginx-mod-nchan`, {options.NginxWorkers} worker processes, one channel; an EventSource
              subscriber location on a TLS listener (HTTP/{options.NchanHttp}, self-signed RSA-2048 certificate made with openssl
              for the run, `http2_max_concurrent_streams 1000` like CowAspire's `MaxStreamsPerConnection`) and a publisher location
              on a plain-HTTP listener. The payload is an HTML cowsay fragment built like CowAspire's (same text, same
              40-column bubble, same cow), so events are of about the same size and the same number of `data:` lines.

            **Latency** is from just before the publish request is sent to when the subscriber's SSE parser
            (`System.Net.ServerSentEvents.SseParser`) hands over the event, on one clock (the bench's `Stopwatch`); every
            message carries a `BENCHSEQ` number that the bench finds in the event data. **Completeness** counts, per
            subscriber, distinct messages received; a second copy of a message counts as a duplicate. Subscribers behave as
            EventSource does: a stream that ends or breaks is reopened with `Last-Event-ID` (counted as a reconnect).
            **Memory** is VmRSS (and PSS, which splits shared pages such as nchan's shared-memory zone among the processes
            mapping them) from `/proc`, summed over the gateway's processes: the two Web replicas for CowAspire, the
            nginx workers for nchan. "Idle" is after the warm-up round with no stream open; "with K streams" is after the readiness message. **CPU** is utime + stime
            from `/proc/PID/stat` over a phase: set-up (idle → with K streams, including the readiness message) and fan-out
            (from the first publish until the end of the drain wait). Ratios are CowAspire / nchan; the last column says
            which direction is better.
            """);
        md.AppendLine();

        if (scenarios.Count > 0)
        {
            md.AppendLine("## Summary");
            md.AppendLine();
            md.AppendLine("| streams | delivered CowAspire / nchan | p50 latency ratio | p99 latency ratio | gateway RSS with streams ratio | gateway CPU per delivered event ratio | all-process CPU per delivered event ratio | set-up rate ratio | machine busy during fan-out CowAspire / nchan |");
            md.AppendLine("|---:|---|---:|---:|---:|---:|---:|---:|---|");
            foreach (var scenario in scenarios)
            {
                var (c, n) = Pair(scenario);
                if (c is null || n is null)
                {
                    continue;
                }
                md.AppendLine(Inv, $"| {c.Streams} | {Pct(c.CompletenessPercent)} / {Pct(n.CompletenessPercent)} | {Ratio(c.LatencyP50Ms, n.LatencyP50Ms)} | {Ratio(c.LatencyP99Ms, n.LatencyP99Ms)} | {Ratio(c.Connected?.GatewayRssKb, n.Connected?.GatewayRssKb)} | {Ratio(c.CpuPerDeliveryUs(s => s.GatewayCpu), n.CpuPerDeliveryUs(s => s.GatewayCpu))} | {Ratio(c.CpuPerDeliveryUs(s => s.AllCpu), n.CpuPerDeliveryUs(s => s.AllCpu))} | {Ratio(c.StreamsPerSecond, n.StreamsPerSecond)} | {Pct(c.MachineBusyPercent)} / {Pct(n.MachineBusyPercent)} |");
            }
            md.AppendLine();
            foreach (var system in (string[])["CowAspire", "nchan"])
            {
                var all = scenarios.SelectMany(x => x.Of(system)).ToList();
                if (all.Count == 0)
                {
                    continue;
                }
                var done = all.Where(r => r.Error is null).ToList();
                md.AppendLine(Inv, $"* **{system}, all {all.Count} runs:** {done.Sum(r => r.Delivered):N0} of {done.Sum(r => r.Expected):N0} messages delivered to open streams, " +
                    $"{done.Sum(r => r.Duplicates)} duplicates, {done.Sum(r => r.Reconnects)} reconnects, {done.Sum(r => r.Failed)} streams that did not open, " +
                    $"{all.Count - done.Count} runs that did not complete.");
            }
            md.AppendLine();
            md.AppendLine("A ratio above 1 means CowAspire needs more (latency, memory, CPU) or, for the set-up rate, is faster. " +
                "When the machine is close to 100 % busy during the fan-out, latency measures queueing for the two cores (client and " +
                "server together), not the server alone: read the CPU-per-event ratios first.");
            md.AppendLine();
        }

        foreach (var scenario in scenarios)
        {
            var (c, n) = Pair(scenario);
            var streams = scenario.Streams;
            md.AppendLine(Inv, $"## {streams} streams × {options.Messages} messages at {options.Rate.ToString(Inv)}/s");
            md.AppendLine();
            foreach (var failed in scenario.Runs.Where(r => r.Error is not null))
            {
                md.AppendLine(Inv, $"**{failed.System}, run {failed.Run}, did not complete:** {Cell(failed.Error!)}");
                md.AppendLine();
            }
            md.AppendLine("| metric | CowAspire | nchan | CowAspire / nchan | better |");
            md.AppendLine("|---|---:|---:|---:|---|");
            AllRuns(md, "every run: p50 / p99 latency ms (CPU s used by other load)", scenario,
                r => r.Error is not null ? $"{r.Run}: failed" : $"{r.Run}: {F(r.LatencyP50Ms, 1)} / {F(r.LatencyP99Ms, 1)} ({F(r.OtherCpu, 1)})");
            AllRuns(md, "every run: messages delivered / expected", scenario,
                r => r.Error is not null ? $"{r.Run}: failed" : $"{r.Run}: {r.Delivered:N0} / {r.Expected:N0}");
            Row(md, "run reported below (least other load)", c, n, r => r.Run.ToString(Inv), null, "");
            Row(md, "machine busy just before the run", c, n, r => Pct(r.BusyBeforePercent), null, "");
            Row(md, "streams open / requested", c, n, r => $"{r.Established} / {r.Streams}", null, "higher");
            Row(md, "stream protocol", c, n, r => r.Protocols.Length > 0 ? r.Protocols : "—", null, "");
            Row(md, "client connections", c, n, r => r.Connections.ToString(Inv), null, "");
            Row(md, "refused or failed opens", c, n, r => r.OpenFailures.Length > 0 ? r.OpenFailures : "none", null, "");
            Row(md, "time to open all streams (s)", c, n, r => F(r.ConnectSeconds, 2), r => r.ConnectSeconds, "lower");
            Row(md, "stream set-up rate (streams/s)", c, n, r => F(r.StreamsPerSecond, 0), r => r.StreamsPerSecond, "higher");
            Row(md, "messages delivered / expected", c, n, r => $"{r.Delivered:N0} / {r.Expected:N0}", null, "");
            Row(md, "completeness", c, n, r => Pct(r.CompletenessPercent), r => r.CompletenessPercent, "higher");
            Row(md, "subscribers with every message", c, n, r => $"{r.CompleteSubscribers} / {r.Established}", null, "higher");
            Row(md, "duplicates", c, n, r => r.Duplicates.ToString(Inv), null, "lower");
            Row(md, "events that were not bench messages", c, n, r => r.OtherEvents.ToString(Inv), null, "");
            Row(md, "reconnects", c, n, r => r.Reconnects.ToString(Inv), null, "lower");
            Row(md, "event data size (bytes, mean)", c, n, r => F(r.AverageEventBytes, 0), r => r.AverageEventBytes, "");
            Row(md, "SSE bytes received per event (all fields, heartbeats and retry included)", c, n, r => F(r.WireBytesPerEvent, 0), r => r.WireBytesPerEvent, "");
            Row(md, "client body reads per event", c, n, r => F(r.ReadsPerEvent, 2), r => r.ReadsPerEvent, "");
            Row(md, "fan-out latency p50 (ms)", c, n, r => F(r.LatencyP50Ms, 1), r => r.LatencyP50Ms, "lower");
            Row(md, "fan-out latency p90 (ms)", c, n, r => F(r.LatencyP90Ms, 1), r => r.LatencyP90Ms, "lower");
            Row(md, "fan-out latency p99 (ms)", c, n, r => F(r.LatencyP99Ms, 1), r => r.LatencyP99Ms, "lower");
            Row(md, "fan-out latency p99.9 (ms)", c, n, r => F(r.LatencyP999Ms, 1), r => r.LatencyP999Ms, "lower");
            Row(md, "fan-out latency max (ms)", c, n, r => F(r.LatencyMaxMs, 1), r => r.LatencyMaxMs, "lower");
            Row(md, "median latency of the fastest – slowest client connection (ms)", c, n, r => r.ConnectionMedianSpread, null, "");
            Row(md, "publish request p50 (ms)", c, n, r => F(r.PublishP50Ms, 2), r => r.PublishP50Ms, "lower");
            Row(md, "publish requests failed", c, n, r => r.PublishFailures.ToString(Inv), null, "lower");
            Row(md, "publish phase: sending took / until all in (s)", c, n, r => $"{F(r.PublishSeconds, 1)} / {F(r.EndSeconds, 1)}", null, "");
            Row(md, "gateway: processes", c, n, r => r.GatewayLabel, null, "");
            Row(md, "gateway RSS idle (MiB)", c, n, r => Mib(r.Idle?.GatewayRssKb), r => r.Idle?.GatewayRssKb, "lower");
            Row(md, "gateway RSS with streams (MiB)", c, n, r => Mib(r.Connected?.GatewayRssKb), r => r.Connected?.GatewayRssKb, "lower");
            Row(md, "gateway RSS added per stream (KiB)", c, n, r => F(r.RssPerStreamKb, 1), r => r.RssPerStreamKb, "lower");
            Row(md, "gateway RSS after fan-out (MiB)", c, n, r => Mib(r.End?.GatewayRssKb), r => r.End?.GatewayRssKb, "lower");
            Row(md, "gateway RSS peak, sampled every 250 ms (MiB)", c, n, r => Mib(r.PeakGatewayRssKb), r => r.PeakGatewayRssKb, "lower");
            Row(md, "gateway PSS with streams (MiB)", c, n, r => Mib(r.Connected?.GatewayPssKb), r => r.Connected?.GatewayPssKb, "lower");
            Row(md, "gateway CPU, set-up (s)", c, n, r => F(r.ConnectCpu(s => s.GatewayCpu), 2), r => r.ConnectCpu(s => s.GatewayCpu), "lower");
            Row(md, "gateway CPU, fan-out (s)", c, n, r => F(r.PublishCpu(s => s.GatewayCpu), 2), r => r.PublishCpu(s => s.GatewayCpu), "lower");
            Row(md, "gateway CPU per delivered event (µs)", c, n, r => F(r.CpuPerDeliveryUs(s => s.GatewayCpu), 1), r => r.CpuPerDeliveryUs(s => s.GatewayCpu), "lower");
            Row(md, "all processes", c, n, r => r.AllLabel, null, "");
            Row(md, "all processes RSS with streams (MiB)", c, n, r => Mib(r.Connected?.AllRssKb), r => r.Connected?.AllRssKb, "lower");
            Row(md, "all processes PSS with streams (MiB)", c, n, r => Mib(r.Connected?.AllPssKb), r => r.Connected?.AllPssKb, "lower");
            Row(md, "all processes CPU, fan-out (s)", c, n, r => F(r.PublishCpu(s => s.AllCpu), 2), r => r.PublishCpu(s => s.AllCpu), "lower");
            Row(md, "all processes CPU per delivered event (µs)", c, n, r => F(r.CpuPerDeliveryUs(s => s.AllCpu), 1), r => r.CpuPerDeliveryUs(s => s.AllCpu), "lower");
            Row(md, "fan-out CPU by process (s)", c, n, r => r.CpuByProcess, null, "");
            Row(md, "bench client CPU, fan-out (s)", c, n, r => F(r.PublishCpu(s => s.ClientCpu), 2), null, "");
            Row(md, "machine busy during fan-out (all cores)", c, n, r => Pct(r.MachineBusyPercent), null, "");
            Row(md, "CPU used by anything else on the machine, fan-out (s)", c, n, r => F(r.OtherCpu, 2), null, "");
            Row(md, "system start until ready (s)", c, n, r => F(r.StartSeconds, 1), r => r.StartSeconds, "lower");
            Row(md, "shutdown", c, n, r => r.StopNotes, null, "");
            md.AppendLine();
        }

        md.AppendLine("## Notes");
        md.AppendLine();
        md.AppendLine(Inv, $"""
            * **One machine, shared cores.** The bench client, CowAspire's five processes and nginx all run on the same
              {Environment.ProcessorCount} cores (the systems take turns; they never run at the same time). The client parses
              every event of every stream, so at thousands of streams it competes with the server for CPU, and latency
              includes time waiting for a core. Absolute figures say little about bigger machines; the ratios, taken on the
              same client in the same run, are the point.
            * **Not the same amount of work.** CowAspire's path has more hops than nchan's: publish → Api → Redis
              (`INCR`/`XADD`/`PUBLISH` in one Lua script, append-only file with an fsync per write) → one subscription per
              Web replica → render (cowsay + HTML encoding, once per replica) → every stream, and every subscriber byte also
              crosses the AppHost's TCP front door (a user-space proxy: one more read and write per chunk). nchan keeps the
              message in nginx shared memory and hands it to its workers over IPC; nothing is persisted. The "gateway" rows
              compare only the processes that hold the streams (Web ×2 vs nginx workers); the "all processes" rows include
              the front door (in the AppHost), the Api and redis-server for CowAspire, and the nginx master for nchan.
            * **CowAspire's limits were raised for the bench.** Behind the front door every stream arrives from the proxy's
              address, so the per-address stream cap (default 1000 per process) would refuse streams: the AppHost was given
              {string.Join(", ", cowAspireEnvironment.Select(kv => $"`{kv.Key}={kv.Value}`"))} (the values of the last scenario: the
              caps are set to twice the scenario's streams, never below their defaults). Nothing else was tuned: the
              Web replicas run with their defaults (Server GC, Kestrel with `MaxStreamsPerConnection` 1000).
            * **nginx is set up as a peer should be**: one worker per core, `reuseport` on the subscriber listener so the
              kernel spreads connections over both workers (without it one worker took all of them in a trial run), HTTP/2
              with 1000 streams per connection, `nchan_subscriber_first_message newest` (new subscribers get messages from
              now on, as on CowAspire's `/events`), a 1000-message buffer kept 10 minutes (CowAspire keeps 1000 in history).
            * **The client's share.** Both systems deliver the same bytes (see "SSE bytes received per event"), but the
              client's CPU per event differs between them (see "bench client CPU"); whatever the client spends is not
              available to the server on this machine.
            * **Latency includes the publish request.** It starts before the publish request is sent, so it includes the
              Api's (or nchan publisher's) request handling; "publish request p50" shows that part on its own.
            * **Memory**: VmRSS of .NET processes includes the GC's reserved-but-touched heap and the JIT; nginx's includes
              the shared-memory pages each worker has touched (counted once per worker; PSS splits them).
            """);
        if (nchanConfig is not null)
        {
            md.AppendLine();
            md.AppendLine("<details><summary>nginx configuration used (paths and ports as in the last scenario)</summary>");
            md.AppendLine();
            md.AppendLine("```nginx");
            md.AppendLine(nchanConfig.TrimEnd());
            md.AppendLine("```");
            md.AppendLine();
            md.AppendLine("</details>");
        }
        return md.ToString();
    }

    private static (SystemResult? CowAspire, SystemResult? Nchan) Pair(Scenario scenario) =>
        (scenario.Reported("CowAspire"), scenario.Reported("nchan"));

    private static void AllRuns(StringBuilder md, string metric, Scenario scenario, Func<SystemResult, string> show)
    {
        string Of(string system) => scenario.Of(system).Any() ? Cell(string.Join("; ", scenario.Of(system).Select(show))) : "—";
        md.AppendLine(Inv, $"| {metric} | {Of("CowAspire")} | {Of("nchan")} | | |");
    }

    private static void Row(StringBuilder md, string metric, SystemResult? c, SystemResult? n, Func<SystemResult, string> show,
        Func<SystemResult, double?>? value, string better)
    {
        var ratio = value is not null && c is not null && n is not null ? Ratio(value(c), value(n)) : "";
        md.AppendLine(Inv, $"| {metric} | {(c is null ? "—" : Cell(show(c)))} | {(n is null ? "—" : Cell(show(n)))} | {ratio} | {better} |");
    }

    private static string Ratio(double? a, double? b) =>
        a is { } x && b is { } y && double.IsFinite(x) && double.IsFinite(y) && y > 0 ? (x / y).ToString("F2", Inv) + "×" : "—";

    private static string Ratio(long? a, long? b) => Ratio((double?)a, (double?)b);

    private static string F(double value, int digits) => double.IsFinite(value) ? value.ToString("F" + digits.ToString(Inv), Inv) : "—";

    private static string Pct(double value) => double.IsFinite(value) ? value.ToString("F2", Inv) + " %" : "—";

    private static string Mib(long? kb) => kb is { } k && k > 0 ? (k / 1024.0).ToString("F1", Inv) : "—";

    private static string GiB(string meminfo) =>
        long.TryParse(meminfo.Split(' ')[0], NumberStyles.None, Inv, out var kb) ? (kb / 1024.0 / 1024.0).ToString("F1", Inv) + " GiB" : meminfo;

    private static string Cell(string text) => text.Replace("|", "\\|", StringComparison.Ordinal).Replace("\n", " ", StringComparison.Ordinal);
}
