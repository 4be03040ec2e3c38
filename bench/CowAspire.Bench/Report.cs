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

        Headline(md, scenarios);
        FloorHeadlines(md, scenarios);
        TelemetryCost(md, scenarios);

        md.AppendLine("## What was measured");
        md.AppendLine();
        md.AppendLine(Inv, $"""
            Every scenario is one target, one protocol and one size; in it each system is started fresh, then loaded the
            same way by the same client in the same run. The client is this bench, a separate process on the same machine:
            K subscribers, **each on its own TCP connection with its own TLS session** (as K separate browsers; h1c has none), from
            loopback source addresses 127.0.0.2, .3, … ({Client.SourceAddresses.PerAddress} connections each), at most
            {options.ConnectConcurrency} being set up at once. It speaks HTTP/2 (ALPN h2: preface, SETTINGS, one GET on stream 1, a
            2 GiB flow-control window so it never has to send WINDOW_UPDATE) or HTTP/1.1 (ALPN http/1.1, chunked body) over
            `SslStream` on a plain socket, and reads the event stream with a scanner that finds event boundaries, ids and
            the `BENCHSEQ` number without allocating: its own CPU is reported ("client CPU per delivery") because on two
            cores it competes with the server. A stream counts as open once its first body bytes arrive; the run goes on
            once every open stream has received one readiness message (not measured), then publishes at the same rate for
            {options.SettleSeconds} s more, unmeasured, so the measured part is steady state (.NET's JIT was seen still tiering
            up the write path for seconds after the warm-up round). Before that, each system, once
            started, gets one unmeasured warm-up round of the same kind ({options.PrimerStreams} streams, {options.PrimerMessages}
            messages), so neither is measured cold (.NET's JIT, first TLS handshakes, pools). Then {options.Messages} messages are
            published at {options.Rate.ToString(Inv)}/s, and the bench waits until every subscriber has every message or
            {options.DrainTimeout.TotalSeconds:F0} s after the last publish.

            **HTTP/2 and HTTP/1.1 are over TLS**: the issue's "HTTP/1.1" workload is taken as HTTP/1.1 over TLS, as browsers use
            it against an `https://` page and as the existing nchan set-up served it, so both protocols pay for encryption
            and differ only in framing. Both servers offer h2 and http/1.1 by ALPN on one TLS port and use RSA-2048
            certificates (CowAspire the ASP.NET Core development certificate, nginx one made with openssl for the run).
            {PlainProtocol(options)}

            **Same bytes per event.** The text is {options.TextLength} characters (the marker and filler words). CowAspire's
            Api stores it, each Web process renders it once as a cowsay HTML fragment and sends it as an unnamed event
            (EventSource's `message`): `id: N-epoch` and one `data:` line per line of the fragment. nchan is sent that same
            fragment, built by the bench the same way (same 40-column bubble, same cow, same HTML around it), and sends it
            unnamed too; its `id:` is nchan's own (`time:tag`), a few bytes longer than CowAspire's
            number. The "SSE bytes per event" rows show what each really sent.

            **Targets.** CowAspire runs as a developer runs it: the Release AppHost (Aspire 13.6) as a process, in
            Development, with Aspire's dashboard on loopback ports of the run's own (`ASPNETCORE_URLS`,
            `ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL`, `ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL`, plain HTTP with
            `ASPIRE_ALLOW_UNSECURED_TRANSPORT=true`) and `DcpPublisher:RandomizePorts=true`; Aspire's DCP starts the
            dashboard, redis-server, the Api and two Web replicas (each through `dotnet run`) and puts its proxy in front
            of each endpoint. *Gateway alone*: the subscribers connect to the first Web replica's own HTTPS port, past
            DCP's proxy: the address DCP gave that replica (`Kestrel__Endpoints__https__Url` in its environment); only
            that replica's process counts as gateway (the other one idles, subscribed to Redis). Its peer is nginx with
            one worker. *Whole app*: the subscribers connect to DCP's proxy (the `web=` address of the AppHost's ready
            line), which spreads them over the two replicas; the gateway is both replicas, and the proxy's CPU is in "all
            processes" (DCP's). Its peer is nginx with {options.NginxWorkers} workers (`reuseport`).

            Each scenario runs {options.Repeat} time(s) per system, the systems taking turns; before each run the bench waits
            (up to {options.QuietWait.TotalSeconds:F0} s) for the machine to be less than {options.QuietPercent.ToString(Inv)} % busy. With
            several runs, the tables show per system the run in which other processes used the least CPU; their first rows
            list every run.

            **CPU per delivery** is the gateway's utime + stime (`/proc/PID/stat`) over the measured fan-out (after the
            settle phase until every message is in or the drain time has passed), divided by the events delivered. **RSS per stream** is the
            gateway's VmRSS with K streams open (after the readiness message) less its VmRSS idle (after the warm-up round,
            no stream open), over K. **Latency** is from just before the publish request is sent to when the subscriber's
            scanner sees the end of the event, on one clock (the bench's `Stopwatch`). **Fan-out spread** is from the
            event's first receipt at any subscriber to its receipt at each subscriber: what the fan-out itself takes to
            reach the N-th client, without the publish path before it. **Delivered** counts, per
            subscriber, distinct messages received; a second copy is a duplicate. Subscribers behave as EventSource does: a
            stream that ends or breaks is reopened with `Last-Event-ID` (counted as a reconnect). Ratios are
            CowAspire / the system beside it (nchan, or Kestrel's floor in a run without nchan): below 1.0 CowAspire
            needs less.
            """);
        md.AppendLine();

        foreach (var system in (string[])["CowAspire", "nchan", FloorSubject.FloorName, FloorSubject.TypedResultsName, FloorBesideAppSubject.ReportName])
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

        foreach (var scenario in scenarios)
        {
            var (c, n, peer) = Pair(scenario);
            md.AppendLine(Inv, $"## {Capital(scenario.Title)} × {options.Messages} messages at {options.Rate.ToString(Inv)}/s");
            md.AppendLine();
            if (scenario.Skipped is not null)
            {
                md.AppendLine(Inv, $"Not run: {scenario.Skipped}.");
                md.AppendLine();
                continue;
            }
            foreach (var failed in scenario.Runs.Where(r => r.Error is not null))
            {
                md.AppendLine(Inv, $"**{failed.System}, run {failed.Run}, did not complete:** {Cell(failed.Error!)}");
                md.AppendLine();
            }
            md.AppendLine(Inv, $"| metric | CowAspire | {peer} | CowAspire / {peer} | better |");
            md.AppendLine("|---|---:|---:|---:|---|");
            AllRuns(md, "every run: p50 / p99 latency, p99 spread ms (CPU s used by other load)", scenario, peer,
                r => r.Error is not null ? $"{r.Run}: failed" : $"{r.Run}: {F(r.LatencyP50Ms, 1)} / {F(r.LatencyP99Ms, 1)}, {F(r.SpreadP99Ms, 1)} ({F(r.OtherCpu, 1)})");
            AllRuns(md, "every run: messages delivered / expected", scenario, peer,
                r => r.Error is not null ? $"{r.Run}: failed" : $"{r.Run}: {r.Delivered:N0} / {r.Expected:N0}");
            Row(md, "run reported below (least other load)", c, n, r => r.Run.ToString(Inv), null, "");
            Row(md, "machine busy just before the run", c, n, r => Pct(r.BusyBeforePercent), null, "");
            Row(md, "streams open / requested", c, n, r => $"{r.Established} / {r.Streams}", null, "higher");
            Row(md, "client connections (one per stream)", c, n, r => r.Connections.ToString(Inv), null, "");
            Row(md, "refused or failed opens", c, n, r => r.OpenFailures.Length > 0 ? r.OpenFailures : "none", null, "");
            Row(md, "time to open all streams (s)", c, n, r => F(r.ConnectSeconds, 2), r => r.ConnectSeconds, "lower");
            Row(md, "stream set-up rate (streams/s)", c, n, r => F(r.StreamsPerSecond, 0), r => r.StreamsPerSecond, "higher");
            Row(md, "messages delivered / expected", c, n, r => $"{r.Delivered:N0} / {r.Expected:N0}", null, "");
            Row(md, "completeness", c, n, r => Pct(r.CompletenessPercent), r => r.CompletenessPercent, "higher");
            Row(md, "subscribers with every message", c, n, r => $"{r.CompleteSubscribers} / {r.Established}", null, "higher");
            Row(md, "duplicates", c, n, r => r.Duplicates.ToString(Inv), null, "lower");
            Row(md, "events that were not bench messages", c, n, r => r.OtherEvents.ToString(Inv), null, "");
            Row(md, "reconnects", c, n, r => r.Reconnects.ToString(Inv), null, "lower");
            Row(md, "SSE bytes per event (event, id and data lines, mean)", c, n, r => F(r.AverageEventBytes, 0), r => r.AverageEventBytes, "");
            Row(md, "SSE bytes received per event (heartbeats and retry included)", c, n, r => F(r.WireBytesPerEvent, 0), r => r.WireBytesPerEvent, "");
            Row(md, "fan-out latency p50 (ms)", c, n, r => F(r.LatencyP50Ms, 1), r => r.LatencyP50Ms, "lower");
            Row(md, "fan-out latency p90 (ms)", c, n, r => F(r.LatencyP90Ms, 1), r => r.LatencyP90Ms, "lower");
            Row(md, "fan-out latency p99 (ms)", c, n, r => F(r.LatencyP99Ms, 1), r => r.LatencyP99Ms, "lower");
            Row(md, "fan-out latency p99.9 (ms)", c, n, r => F(r.LatencyP999Ms, 1), r => r.LatencyP999Ms, "lower");
            Row(md, "fan-out latency max (ms)", c, n, r => F(r.LatencyMaxMs, 1), r => r.LatencyMaxMs, "lower");
            Row(md, "fan-out spread p50 (ms after the event's first receipt)", c, n, r => F(r.SpreadP50Ms, 1), r => r.SpreadP50Ms, "lower");
            Row(md, "fan-out spread p99 (ms)", c, n, r => F(r.SpreadP99Ms, 1), r => r.SpreadP99Ms, "lower");
            Row(md, "fan-out spread p99.9 (ms)", c, n, r => F(r.SpreadP999Ms, 1), r => r.SpreadP999Ms, "lower");
            Row(md, "publish request p50 (ms)", c, n, r => F(r.PublishP50Ms, 2), r => r.PublishP50Ms, "lower");
            Row(md, "publish requests failed", c, n, r => r.PublishFailures.ToString(Inv), null, "lower");
            Row(md, "publish phase: sending took / until all in (s)", c, n, r => $"{F(r.PublishSeconds, 1)} / {F(r.EndSeconds, 1)}", null, "");
            Row(md, "gateway: processes", c, n, r => r.GatewayLabel, null, "");
            Row(md, "gateway RSS idle (MiB)", c, n, r => Mib(r.Idle?.GatewayRssKb), r => r.Idle?.GatewayRssKb, "lower");
            Row(md, "gateway RSS with streams (MiB)", c, n, r => Mib(r.Connected?.GatewayRssKb), r => r.Connected?.GatewayRssKb, "lower");
            Row(md, "gateway RSS added per stream (KiB)", c, n, r => F(r.RssPerStreamKb, 1), r => r.RssPerStreamKb, "lower");
            Row(md, "of which in malloc's heaps, per stream (KiB: native code, OpenSSL above all)", c, n, r => F(r.NativeHeapPerStreamKb, 1), r => r.NativeHeapPerStreamKb, "lower");
            Row(md, "the rest per stream (KiB: .NET's GC heap and pools / nginx's own pools)", c, n, r => F(r.OtherMemoryPerStreamKb, 1), r => r.OtherMemoryPerStreamKb, "lower");
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
            Row(md, "bench client CPU per delivered event (µs)", c, n, r => F(r.CpuPerDeliveryUs(s => s.ClientCpu), 1), null, "");
            Row(md, "machine busy during fan-out (all cores)", c, n, r => Pct(r.MachineBusyPercent), null, "");
            Row(md, "CPU used by anything else on the machine, fan-out (s)", c, n, r => F(r.OtherCpu, 2), null, "");
            Row(md, "system start until ready (s)", c, n, r => F(r.StartSeconds, 1), r => r.StartSeconds, "lower");
            Row(md, "after the warm-up round, until the gateway idled at steady state (s)", c, n, r => F(r.SteadySeconds, 0), null, "");
            Row(md, "shutdown", c, n, r => r.StopNotes, null, "");
            md.AppendLine();
            var cProfiled = scenario.Profiled.FirstOrDefault(r => r.System == "CowAspire" && r.Error is null);
            var nProfiled = scenario.Profiled.FirstOrDefault(r => r.System == peer && r.Error is null);
            ProfileByLayer(md, cProfiled, nProfiled);
            foreach (var profiled in (SystemResult?[])[cProfiled, nProfiled])
            {
                if (profiled?.Profile is { } profile)
                {
                    md.AppendLine(Inv, $"**Where {profiled.System}'s gateway CPU went** ({profiled.GatewayLabel}; perf, during the fan-out, from its third second, in a run of its own after the measured one):");
                    md.AppendLine();
                    md.AppendLine(profile.Markdown);
                }
            }
        }

        var samples = scenarios.SelectMany(x => x.Runs).Where(r => r.SampleEvent is not null).GroupBy(r => r.System).Select(g => g.First()).ToList();
        if (samples.Count > 0)
        {
            md.AppendLine("<details><summary>One event of each system, exactly as a subscriber received it</summary>");
            md.AppendLine();
            foreach (var sample in samples)
            {
                md.AppendLine(Inv, $"{sample.System} ({System.Text.Encoding.UTF8.GetByteCount(sample.SampleEvent!)} bytes):");
                md.AppendLine();
                md.AppendLine("```");
                md.Append(sample.SampleEvent);
                md.AppendLine("```");
                md.AppendLine();
            }
            md.AppendLine("</details>");
            md.AppendLine();
        }

        md.AppendLine("## Notes");
        md.AppendLine();
        md.AppendLine(Inv, $"""
            * **One machine, shared cores.** The bench client, CowAspire's processes and nginx all run on the same
              {Environment.ProcessorCount} cores (the systems take turns; they never run at the same time). The client reads
              every event of every stream, so at thousands of streams it competes with the server for CPU, and latency
              includes time waiting for a core. Absolute figures say little about bigger machines; the ratios, taken on the
              same client in the same run, are the point.
            * **Open files.** Every client connection is a descriptor in the bench and in the gateway, two in DCP's proxy.
              This machine caps a process at its `ulimit -n` hard limit (raising it needs CAP_SYS_RESOURCE, which a
              sandbox may not have); run.sh raises the soft limit to the hard one, nginx gets `worker_rlimit_nofile` at
              that limit, and a scenario that would need more is listed as not run rather than measured failing.
            * **Not the same amount of work.** CowAspire's path has more hops than nchan's: publish → Api → Redis
              (`INCR`/`XADD`/`PUBLISH` in one Lua script, append-only file with an fsync per write) → one subscription per
              Web replica → render (cowsay + HTML encoding, once per replica) → every stream, and for the whole app every
              subscriber byte also crosses DCP's proxy (a user-space TCP proxy: one more read and write per chunk). nchan keeps the
              message in nginx shared memory and hands it to its workers over IPC; nothing is persisted. The "gateway" rows
              compare only the processes that hold the streams (one Web replica vs one nginx worker when the gateway is
              measured alone, both replicas vs {options.NginxWorkers} workers for the whole app); the "all processes" rows
              add for CowAspire everything the AppHost runs: the AppHost, DCP's processes (its proxies among them), Aspire's
              dashboard (which receives the telemetry), the `dotnet run` wrapper of each service, the other replica, the Api
              and redis-server (the "all processes" row names them); for nchan, the nginx master.
            * **CowAspire's limits were raised for the bench.** Behind DCP's proxy every stream arrives from the proxy's
              address, so the per-address stream cap (default 1000 per process) would refuse streams (the clients spread
              over loopback addresses, {Client.SourceAddresses.PerAddress} each, keep under it when they reach a replica directly): the AppHost was given,
              and DCP passed on to the services,
              {string.Join(", ", cowAspireEnvironment.Select(kv => $"`{kv.Key}={kv.Value}`"))} (the values of the last scenario: the
              caps are set to twice the scenario's streams, never below their defaults). Nothing else was tuned: the
              Web replicas run with their defaults (Server GC, Kestrel with `MaxStreamsPerConnection` 1000). With
              `--profile`, the profiled scenario gets one more run of each system under perf, after the measured ones and
              outside their tables; in it CowAspire's processes also get `DOTNET_PerfMapEnabled=1` and
              `DOTNET_EnableWriteXorExecute=0` (so perf can name JIT-compiled code).
            * **nginx is set up as a peer should be**: one worker against one replica, one per core against the whole app,
              `reuseport` on the subscriber listener so the kernel spreads connections over the workers (without it one
              worker took all of them in a trial run), `nchan_subscriber_first_message newest` (new subscribers get messages from
              now on, as on CowAspire's `/events`), a 1000-message buffer kept 10 minutes (CowAspire keeps 1000 in history).
            * **The client's share.** Both systems deliver about the same bytes (see "SSE bytes per event"); the client's
              CPU per event is reported for each (see "bench client CPU"): whatever it spends is not available to the
              server on this machine.
            * **Latency includes the publish request.** It starts before the publish request is sent, so it includes the
              Api's (or nchan publisher's) request handling, and for CowAspire Redis and the Web's subscription behind
              it; "publish request p50" shows the request on its own, and the fan-out spread leaves all of it out.
            * **Memory**: VmRSS of .NET processes includes the GC's reserved-but-touched heap and the JIT; nginx's includes
              the shared-memory pages each worker has touched (counted once per worker; PSS splits them). "In malloc's
              heaps" is the resident part of glibc's heaps (`[heap]` and its 64 MiB thread arenas in `/proc/PID/smaps`):
              native code's memory, which for a TLS connection is OpenSSL's.
            * **What bounds CowAspire, by the layers above.** *Memory per stream*: .NET's OpenSSL binding never sets
              `SSL_MODE_RELEASE_BUFFERS` (nginx does), so each connection keeps OpenSSL's read and write record
              buffers (~16 KiB each) while idle; Kestrel's HTTP/2 connection keeps a header-encoding buffer of one
              frame (16 KiB); pooled pipe blocks and the GC's headroom come on top. None of it has a setting. *CPU per delivery*: the encryption and the kernel's share are about nchan's; the difference is
              the managed path from one write to the socket (Kestrel's HTTP/2 frame writer and output pipes, the
              socket transport's send loop, the thread-pool hops between them, the GC and the base library under them).
              *Warm-up*: .NET's tiered JIT recompiles for a minute or more after start, so the bench waits for the
              gateway to idle at steady state before it measures (the "until the gateway idled" row).
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

    /// <summary>What h1c (HTTP/1.1 without TLS) connects to, when the run has it.</summary>
    private static string PlainProtocol(BenchOptions options) => !options.Protocols.Contains(Client.WireProtocol.Http11Plain) ? "" : """
        *HTTP/1.1 (no TLS)* (`--protocols h1c`) is the same HTTP/1.1 request and chunked body on a plain TCP connection, no
        handshake and no encryption: each server's plain-HTTP listener serving the same stream. Gateway alone: the Web
        replica's own `http` endpoint (`Kestrel__Endpoints__http__Url`), a second `listen` without `ssl` in nginx's
        subscriber server, the floor's `--http-port` (HTTP/1.1 only). Whole app: DCP's proxy in front of the Web's
        plain-HTTP listeners, which nothing names: a port of its process that serves `GET /app.css` (a file of the Web's page) over
        plain HTTP/1.1 and not over h2c (two do, both in front of the replicas' plain listeners; the lowest is taken).
        """;

    /// <summary>One row per scenario: the ratios the issue asks about, each with both values.</summary>
    private static void Headline(StringBuilder md, IReadOnlyList<Scenario> scenarios)
    {
        md.AppendLine("## Headline: CowAspire / nchan");
        md.AppendLine();
        md.AppendLine("Each cell is the ratio CowAspire / nchan (below 1.0: CowAspire needs less) with both values, CowAspire's first. " +
            "The gateway is the process(es) holding the streams: one Web replica or one nginx worker alone, both replicas or " +
            "both workers for the whole app. All processes adds, for CowAspire, the AppHost, DCP (whose proxy every whole-app " +
            "byte crosses), Aspire's dashboard, the `dotnet run` wrappers, the other replica, the Api and redis-server; for nchan, the nginx master.");
        md.AppendLine();
        RatioTable(md, scenarios, "CowAspire", "nchan");
        md.AppendLine();
        md.AppendLine("When the machine is close to 100 % busy during the fan-out (last column), latency measures queueing for " +
            "the two cores, client and server together, more than the server alone: read CPU per delivery first. The client " +
            "decrypts every event on every connection as the server encrypts it, so it costs about what the server does; at " +
            "10 events/s, 10,000 streams are 100,000 deliveries a second, which two cores cannot hold for client and server " +
            "at once: the largest sizes are expected to saturate the machine.");
        md.AppendLine();
    }

    /// <summary>One row per scenario with either system: each cell <paramref name="numerator"/> / <paramref name="denominator"/> with both values.</summary>
    private static void RatioTable(StringBuilder md, IReadOnlyList<Scenario> scenarios, string numerator, string denominator)
    {
        md.AppendLine("| scenario | gateway CPU per delivery | all-process CPU per delivery | gateway RSS per stream | gateway RSS with streams | p50 latency | p99 latency | p99.9 latency | p99 fan-out spread | delivered | client CPU per delivery | machine busy during fan-out |");
        md.AppendLine("|---|---|---|---|---|---|---|---|---|---|---|---|");
        foreach (var scenario in scenarios)
        {
            if (scenario.Skipped is not null)
            {
                md.AppendLine(Inv, $"| {scenario.Title} | not run: {Cell(scenario.Skipped)} | | | | | | | | | | |");
                continue;
            }
            var (c, n) = (scenario.Reported(numerator), scenario.Reported(denominator));
            if (c is null && n is null)
            {
                if (!scenario.Runs.Any(r => r.System == numerator || r.System == denominator))
                {
                    continue;
                }
                md.AppendLine(Inv, $"| {scenario.Title} | did not complete: {Cell(string.Join("; ", scenario.Runs.Where(r => r.Error is not null && (r.System == numerator || r.System == denominator)).Select(r => $"{r.System}: {r.Error}")))} | | | | | | | | | | |");
                continue;
            }
            // A system that did not complete shows as "—" on its side; the other's values still show.
            double Of(SystemResult? r, Func<SystemResult, double> value) => r is null ? double.NaN : value(r);
            string Compare(Func<SystemResult, double> value, int digits, string unit) => Versus(Of(c, value), Of(n, value), digits, unit);
            md.AppendLine(Inv, $"| {scenario.Title} " +
                $"| {Compare(r => r.CpuPerDeliveryUs(s => s.GatewayCpu), 1, "µs")} " +
                $"| {Compare(r => r.CpuPerDeliveryUs(s => s.AllCpu), 1, "µs")} " +
                $"| {Compare(r => r.RssPerStreamKb, 1, "KiB")} " +
                $"| {Compare(r => (r.Connected?.GatewayRssKb ?? 0) / 1024.0, 0, "MiB")} " +
                $"| {Compare(r => r.LatencyP50Ms, 1, "ms")} " +
                $"| {Compare(r => r.LatencyP99Ms, 1, "ms")} " +
                $"| {Compare(r => r.LatencyP999Ms, 1, "ms")} " +
                $"| {Compare(r => r.SpreadP99Ms, 1, "ms")} " +
                $"| {Pct(Of(c, r => r.CompletenessPercent))} / {Pct(Of(n, r => r.CompletenessPercent))} " +
                $"| {F(Of(c, r => r.CpuPerDeliveryUs(s => s.ClientCpu)), 1)} / {F(Of(n, r => r.CpuPerDeliveryUs(s => s.ClientCpu)), 1)} µs " +
                $"| {F(Of(c, r => r.MachineBusyPercent), 0)} / {F(Of(n, r => r.MachineBusyPercent), 0)} % |");
        }
    }

    /// <summary>
    /// Kestrel's floor beside nchan (issue 20): CowAspire / floor is what CowAspire adds to Kestrel, floor / nchan what
    /// Kestrel and .NET cost against nginx; TypedResults / floor what the default .NET way adds.
    /// </summary>
    private static void FloorHeadlines(StringBuilder md, IReadOnlyList<Scenario> scenarios)
    {
        var floored = scenarios.Where(s => s.Reported(FloorSubject.FloorName) is not null).ToList();
        if (floored.Count == 0)
        {
            return;
        }
        md.AppendLine("## Against Kestrel's floor");
        md.AppendLine();
        md.AppendLine("The floor (`bench/CowAspire.Floor --mode floor`) is the least Kestrel can do: one process with the Web's Kestrel " +
            "settings (HTTP/2 and HTTP/1.1 by ALPN over TLS with the development certificate, HTTP/1.1 alone on a plain-HTTP port for h1c, " +
            "1000 streams per connection, Server GC) " +
            "that writes each event's bytes into every response's `PipeWriter` and flushes, from the publishing request, with no " +
            "queue and no task per client and none of CowAspire's guarantees. It is fed as nchan is: the bench POSTs the same " +
            "HTML fragment to a plain-HTTP publish endpoint. `TypedResults` (`--mode typed-results`) is what a .NET developer " +
            "writes by default: `TypedResults.ServerSentEvents` over a bounded channel per client. Gateway alone only; " +
            "each cell is the ratio with both values, the first system's first.");
        md.AppendLine();
        foreach (var (numerator, denominator) in ((string, string)[])[
            ("CowAspire", FloorSubject.FloorName), (FloorSubject.FloorName, "nchan"), (FloorSubject.TypedResultsName, FloorSubject.FloorName),
            ("CowAspire", FloorBesideAppSubject.ReportName), (FloorBesideAppSubject.ReportName, FloorSubject.FloorName)])
        {
            if (!floored.Any(s => s.Reported(numerator) is not null && s.Reported(denominator) is not null))
            {
                continue;
            }
            md.AppendLine(Inv, $"### {numerator} / {denominator}");
            md.AppendLine();
            RatioTable(md, floored, numerator, denominator);
            md.AppendLine();
        }
    }

    /// <summary>CowAspire with its telemetry exported to the dashboard (as the AppHost runs it) against OpenTelemetry's SDK disabled.</summary>
    private static void TelemetryCost(StringBuilder md, IReadOnlyList<Scenario> scenarios)
    {
        var compared = scenarios.Where(s => s.Reported(CowAspireSubject.TelemetryOffName) is not null && s.Reported("CowAspire") is not null).ToList();
        if (compared.Count == 0)
        {
            return;
        }
        md.AppendLine("## Telemetry's cost: CowAspire with telemetry on / off");
        md.AppendLine();
        md.AppendLine("On is how the AppHost runs the services: traces, logs and metrics exported over OTLP to Aspire's dashboard " +
            "every second, as Aspire sets it in Development (one span per quote per replica, never per delivery). Off is " +
            "`OTEL_SDK_DISABLED=true` in the services' environment (given to the AppHost, passed on by DCP, checked in each " +
            "service's environment): OpenTelemetry's SDK makes no-op providers, so nothing is collected or exported. Aspire has " +
            "no switch that stops its services exporting and nothing else (it gives every project the dashboard's OTLP " +
            "address), so off also drops collection: the difference is the SDK's whole cost. The dashboard runs in both. " +
            "Each cell is the ratio on / off with both values, on first.");
        md.AppendLine();
        md.AppendLine("| scenario | gateway CPU per delivery | all-process CPU per delivery | gateway RSS per stream | p50 latency | p99 latency | p99 fan-out spread | delivered |");
        md.AppendLine("|---|---|---|---|---|---|---|---|");
        foreach (var scenario in compared)
        {
            var on = scenario.Reported("CowAspire")!;
            var off = scenario.Reported(CowAspireSubject.TelemetryOffName)!;
            string Compare(Func<SystemResult, double> value, int digits, string unit) => Versus(value(on), value(off), digits, unit);
            md.AppendLine(Inv, $"| {scenario.Title} " +
                $"| {Compare(r => r.CpuPerDeliveryUs(s => s.GatewayCpu), 1, "µs")} " +
                $"| {Compare(r => r.CpuPerDeliveryUs(s => s.AllCpu), 1, "µs")} " +
                $"| {Compare(r => r.RssPerStreamKb, 1, "KiB")} " +
                $"| {Compare(r => r.LatencyP50Ms, 1, "ms")} " +
                $"| {Compare(r => r.LatencyP99Ms, 1, "ms")} " +
                $"| {Compare(r => r.SpreadP99Ms, 1, "ms")} " +
                $"| {Pct(on.CompletenessPercent)} / {Pct(off.CompletenessPercent)} |");
        }
        md.AppendLine();
    }

    private static string Versus(double c, double n, int digits, string unit) =>
        $"{Ratio(c, n)} ({F(c, digits)} vs {F(n, digits)} {unit})";

    private static string Capital(string text) => text.Length == 0 ? text : char.ToUpperInvariant(text[0]) + text[1..];

    /// <summary>
    /// CowAspire and the system its scenario's detail table sets beside it: nchan when it ran, else Kestrel's floor (a
    /// run against the floor alone then shows the floor's memory split and profile too, not only its ratios).
    /// </summary>
    private static (SystemResult? CowAspire, SystemResult? Peer, string PeerName) Pair(Scenario scenario) =>
        scenario.Reported("nchan") is null && scenario.Reported(FloorSubject.FloorName) is { } floor
            ? (scenario.Reported("CowAspire"), floor, FloorSubject.FloorName)
            : (scenario.Reported("CowAspire"), scenario.Reported("nchan"), "nchan");

    private static void AllRuns(StringBuilder md, string metric, Scenario scenario, string peer, Func<SystemResult, string> show)
    {
        string Of(string system) => scenario.Of(system).Any() ? Cell(string.Join("; ", scenario.Of(system).Select(show))) : "—";
        md.AppendLine(Inv, $"| {metric} | {Of("CowAspire")} | {Of(peer)} | | |");
    }

    /// <summary>
    /// One delivery's CPU by layer, both systems side by side: each layer's share of the profile times the CPU per
    /// delivery of the same run. The first two layers are what any server pays for an encrypted event on a socket.
    /// </summary>
    private static void ProfileByLayer(StringBuilder md, SystemResult? c, SystemResult? n)
    {
        if (c?.Profile is not { Layers.Count: > 0 } cp || n?.Profile is not { Layers.Count: > 0 } np)
        {
            return;
        }
        var cUs = c.CpuPerDeliveryUs(s => s.GatewayCpu);
        var nUs = n.CpuPerDeliveryUs(s => s.GatewayCpu);
        md.AppendLine("**One delivery's gateway CPU by layer** (µs: the layer's share of the profile × the run's CPU per delivery, with the profiler running):");
        md.AppendLine();
        md.AppendLine("| layer | CowAspire µs | nchan µs | CowAspire / nchan |");
        md.AppendLine("|---|---:|---:|---:|");
        foreach (var layer in Profiler.Layers)
        {
            var cl = cp.Layers.Where(l => l.Name == layer).Sum(l => l.Percent) / 100 * cUs;
            var nl = np.Layers.Where(l => l.Name == layer).Sum(l => l.Percent) / 100 * nUs;
            md.AppendLine(Inv, $"| {layer} | {cl:F1} | {nl:F1} | {(nl > 0.05 ? $"{cl / nl:F2}×" : "—")} |");
        }
        md.AppendLine(Inv, $"| all | {cUs:F1} | {nUs:F1} | {cUs / nUs:F2}× |");
        md.AppendLine();
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
