using System.Net;
using System.Globalization;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CowAspire.Bench;

/// <summary>
/// CowAspire as built: the Release AppHost started as a process, as a developer runs it outside its launch profile
/// (Aspire's dashboard on loopback ports of the run's own, DCP on random ports). DCP starts Aspire's dashboard,
/// redis-server, the Api and two Web replicas (each through <c>dotnet run</c>), and puts its proxy in front of each
/// endpoint. Subscribers use DCP's proxy for the web, the <c>web=</c> address of the AppHost's ready line
/// (<see cref="Target.App"/>), or the first replica's own HTTPS address, past the proxy (<see cref="Target.Gateway"/>:
/// the gateway measured on its own; the other replica idles, subscribed to Redis, and is not counted as gateway).
/// That address is what DCP told the replica, <c>Kestrel__Endpoints__https__Url</c> in its environment, as the tests
/// read it from Aspire's snapshot of the replica. Messages are POSTed to the Api through the address DCP gives the
/// Web for it (<c>services__api__http__0</c>), since the Web gateway rate-limits POST /quotes.
/// </summary>
public sealed partial class CowAspireSubject(BenchOptions options, int streams, Target target, bool telemetry = true) : ISubject
{
    /// <summary>The system name of CowAspire run with its services' OpenTelemetry SDK disabled.</summary>
    public const string TelemetryOff = "cowaspire-telemetry-off";

    /// <summary>The report's name for that run.</summary>
    public const string TelemetryOffName = "CowAspire, telemetry off";

    /// <summary>OpenTelemetry's own switch (the SDK's providers become no-ops); Aspire has none that stops a service exporting.</summary>
    public const string SdkDisabled = "OTEL_SDK_DISABLED";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });
    private ChildProcess? _appHost;
    private Uri? _api;
    private List<AppHostProcess> _processes = [];
    private (AppHostProcess Process, Uri Url)? _replica;
    private string? _stopNotes;

    public string Name => telemetry ? "CowAspire" : TelemetryOffName;

    /// <summary>Runs under perf: the services write a perf map and run JIT code without W^X, so perf can name it.</summary>
    public bool Profiled { get; init; }

    /// <summary>
    /// More AppHost arguments (configuration), e.g. <c>Redis:Sentinel:Enabled=true</c>, which runs five redis-server
    /// processes (a primary, a replica, three Sentinels) instead of one.
    /// </summary>
    public IReadOnlyList<string> AppHostArguments { get; init; } = [];

    /// <summary>The AppHost's pid once started (its processes: <see cref="AppHostProcesses.Of"/>).</summary>
    public int AppHostPid => _appHost?.Pid ?? throw new InvalidOperationException("The AppHost is not started.");

    /// <summary>The Api's own http address, as DCP gives it to the Web (where quotes are POSTed).</summary>
    public Uri Api => _api ?? throw new InvalidOperationException("The AppHost is not started.");

    public string GatewayLabel => target == Target.Gateway
        ? $"Web replica {_replica?.Process.Name} alone, on its own port (1 process)"
        : $"Web replicas behind DCP's proxy ({Webs.Count()} processes)";

    /// <summary>Every process by kind, in the order found: AppHost + DCP ×7 (its proxies in dcp run-controllers) + Aspire dashboard + …</summary>
    public string AllLabel
    {
        get
        {
            var proxy = _processes.FirstOrDefault(p => p.Name.EndsWith(ProxySuffix, StringComparison.Ordinal));
            var kinds = _processes.GroupBy(p => p.Kind).Select(g =>
            {
                var label = g.Count() > 1 ? $"{g.Key} ×{g.Count()}" : g.Key;
                return g.Key == AppHostProcesses.Dcp && proxy is not null ? $"{label} (its proxies in {proxy.Name[..^ProxySuffix.Length]})" : label;
            });
            return $"{string.Join(" + ", kinds)} ({_processes.Count} processes)";
        }
    }

    private const string ProxySuffix = " (proxy)";

    public Uri SubscribeUrl { get; private set; } = new("https://127.0.0.1/");

    /// <summary>The same over plain HTTP/1.1: the replica's own http endpoint, or DCP's proxy in front of the Web's plain-HTTP listeners.</summary>
    public Uri? PlainSubscribeUrl { get; private set; }

    private IEnumerable<AppHostProcess> Webs => _processes.Where(p => p.Kind == AppHostProcesses.Web);

    public IReadOnlyList<int> GatewayPids => target == Target.Gateway && _replica is { } replica
        ? [replica.Process.Pid]
        : [.. Webs.Select(p => p.Pid)];

    public IReadOnlyList<int> AllPids => [.. _processes.Select(p => p.Pid)];

    public IReadOnlyList<(string Name, int Pid)> Processes => [.. _processes.Select(p => (p.Name, p.Pid))];

    /// <summary>The environment the AppHost gets; DCP passes it on to every service (its executables inherit DCP's environment, which is the AppHost's).</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var environment = new Dictionary<string, string>
            {
                // The AppHost reads web's Kestrel endpoints (https, http, h2c) from its Development settings, as under `dotnet run`.
                ["DOTNET_ENVIRONMENT"] = "Development",
                // The schedule must not publish during the run.
                ["Quotes__PublishInterval"] = "01:00:00",
                // Behind DCP's proxy every stream comes from one address (the proxy's): lift the per-address cap
                // (default 1000 per process) and the per-process cap (default 10000) above the scenario's size.
                ["WebLimits__MaxStreamsPerAddress"] = Math.Max(1000, streams * 2).ToString(CultureInfo.InvariantCulture),
                ["WebLimits__MaxStreams"] = Math.Max(10_000, streams * 2).ToString(CultureInfo.InvariantCulture),
            };
            if (!telemetry)
            {
                environment[SdkDisabled] = "true";
            }
            if (Profiled)
            {
                // The runtime writes /tmp/perf-PID.map, so perf names JIT-compiled frames; with W^X on, JIT code
                // runs from a double-mapped memfd that perf cannot match to that map.
                environment["DOTNET_PerfMapEnabled"] = "1";
                environment["DOTNET_EnableWriteXorExecute"] = "0";
            }
            foreach (var (key, value) in options.CowAspireEnvironment)
            {
                environment[key] = value;
            }
            return environment;
        }
    }

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var project = Path.Combine(options.Repo, "CowAspire.AppHost");
        var dll = Path.Combine(project, "bin", "Release", "net10.0", "CowAspire.AppHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: run 'dotnet build -c Release' first (bench/run.sh does).");
        }

        // What the launch profile gives `dotnet run`: the dashboard's addresses, here plain HTTP on loopback ports of
        // this run's own (Aspire allows that when told so), so another CowAspire on this machine does not collide.
        var environment = new Dictionary<string, string>(Environment)
        {
            ["ASPNETCORE_URLS"] = $"http://127.0.0.1:{LoopbackPort.Free()}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://127.0.0.1:{LoopbackPort.Free()}",
            ["ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL"] = $"http://127.0.0.1:{LoopbackPort.Free()}",
            ["ASPIRE_ALLOW_UNSECURED_TRANSPORT"] = "true",
            ["NO_COLOR"] = "1",
        };
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _appHost = await ChildProcess.StartAsync("dotnet", [dll, "DcpPublisher:RandomizePorts=true", .. AppHostArguments], environment, project,
            line =>
            {
                if (line.StartsWith("CowAspire ready:", StringComparison.Ordinal))
                {
                    ready.TrySetResult(line);
                }
            });

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        try
        {
            var exited = _appHost.WaitForExitAsync(timeout.Token);
            if (await Task.WhenAny(ready.Task, exited) != ready.Task)
            {
                await exited; // a timeout, not an exit, throws here
                throw new InvalidOperationException($"The AppHost exited before it was ready. Its last lines:\n{_appHost.Tail}");
            }
            var line = await ready.Task;
            var match = ReadyLine().Match(line);
            if (!match.Success)
            {
                throw new InvalidOperationException($"Cannot read the ready line: {line}");
            }
            var proxy = new Uri(match.Groups["web"].Value);
            SubscribeUrl = new Uri(proxy, "/events");

            FindProcesses(proxy.Port);
            await EveryReplicaServesAsync(timeout.Token);
            // Looked for only when asked for: the probe talks to the proxy's ports.
            if (target == Target.App && options.Protocols.Contains(Client.WireProtocol.Http11Plain))
            {
                PlainSubscribeUrl = new Uri(await ProxiedHttpAsync(proxy.Port, timeout.Token), "/events");
            }
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The AppHost was not ready, every Web replica answering on its own port, within {options.StartTimeout}. Its last lines:\n{_appHost.Tail}");
        }
        if (target == Target.Gateway)
        {
            SubscribeUrl = new Uri(_replica!.Value.Url, "/events");
            PlainSubscribeUrl = new Uri(OwnAddress(_replica.Value.Process, "http"), "/events");
        }
    }

    /// <summary>
    /// The AppHost's processes (for CPU and memory), the replica measured alone and its own address, the Api's
    /// address; checks that every kind of process is there, so that a partial walk of /proc cannot pass.
    /// </summary>
    private void FindProcesses(int proxyPort)
    {
        var processes = AppHostProcesses.Of(_appHost!.Pid).ToList();
        string Found() => string.Join("; ", processes.Select(p => $"{p.Name}: {p.CommandLine}"));
        var expected = new (string Kind, int Count)[]
        {
            (AppHostProcesses.AppHost, 1), (AppHostProcesses.Dashboard, 1), (AppHostProcesses.Redis, AppHostArguments.Any(a => a.StartsWith("Redis:Sentinel:Enabled=true", StringComparison.OrdinalIgnoreCase)) ? 5 : 1),
            (AppHostProcesses.Api, 1), (AppHostProcesses.Web, 2),
        };
        foreach (var (kind, count) in expected)
        {
            if (processes.Count(p => p.Kind == kind) != count)
            {
                throw new InvalidOperationException($"Expected {count} {kind} process(es) of AppHost {_appHost.Pid}, found: {Found()}");
            }
        }
        // The AppHost starts each project as its built executable (BuiltProjectLaunch); DCP's `dotnet run` wrapper per
        // service is what runs where it does not: one for each of the three services, or none.
        if (processes.Count(p => p.Kind == AppHostProcesses.DotnetRun) is not (0 or 3))
        {
            throw new InvalidOperationException($"Expected a {AppHostProcesses.DotnetRun} wrapper for each of the 3 services or none, found: {Found()}");
        }
        if (!processes.Any(p => p.Name == "dcp start-apiserver"))
        {
            throw new InvalidOperationException($"No 'dcp start-apiserver --monitor {_appHost.Pid}' was found: {Found()}");
        }
        // Name the process that holds DCP's proxy for the web (the one listening on the ready line's port).
        if (AppHostProcesses.Listening(processes, proxyPort) is { Kind: AppHostProcesses.Dcp } listener)
        {
            processes[processes.IndexOf(listener)] = listener with { Name = listener.Name + ProxySuffix };
        }
        _processes = processes;

        foreach (var service in processes.Where(p => p.Kind is AppHostProcesses.Web or AppHostProcesses.Api))
        {
            // Telemetry off must really be off in the services, not only asked of the AppHost.
            if (!telemetry && AppHostProcesses.Environment(service.Pid, SdkDisabled).GetValueOrDefault(SdkDisabled) != "true")
            {
                throw new InvalidOperationException($"{service} was not given {SdkDisabled}=true.");
            }
        }

        var replica = Webs.OrderBy(p => p.Name, StringComparer.Ordinal).First();
        _replica = (replica, OwnAddress(replica, "https"));
        var api = AppHostProcesses.Environment(replica.Pid, "services__api__http__0").GetValueOrDefault("services__api__http__0")
            ?? throw new InvalidOperationException($"{replica} was given no address for the Api (services__api__http__0).");
        _api = Loopback(api);
    }

    /// <summary>
    /// Where a replica itself listens on <paramref name="endpoint"/>, past DCP's proxy: what DCP told it, in Kestrel's
    /// endpoint configuration (web's endpoints come from its settings) or ASPNETCORE_URLS.
    /// </summary>
    private static Uri OwnAddress(AppHostProcess service, string endpoint)
    {
        var kestrel = $"Kestrel__Endpoints__{endpoint}__Url";
        var environment = AppHostProcesses.Environment(service.Pid, kestrel, "ASPNETCORE_URLS");
        var url = environment.GetValueOrDefault(kestrel)
            ?? environment.GetValueOrDefault("ASPNETCORE_URLS")?.Split(';', StringSplitOptions.RemoveEmptyEntries).FirstOrDefault(u => u.StartsWith($"{endpoint}://", StringComparison.Ordinal))
            ?? throw new InvalidOperationException($"{service} was given no address for its '{endpoint}' endpoint.");
        return Loopback(url);
    }

    /// <summary>
    /// DCP's proxy in front of the Web's plain-HTTP listeners, which nothing names (the ready line gives web's https address, and no
    /// service references the Web): of the ports the proxy's process listens on, leaving out those known (web's https,
    /// the Api's, Redis's), one that serves a file of the Web's page (<c>/app.css</c>) over HTTP/1.1 and not over h2c
    /// (web's h2c endpoint, HTTP/2 only, does the opposite; /health alone would not tell the Web from the Api).
    /// </summary>
    private async Task<Uri> ProxiedHttpAsync(int httpsPort, CancellationToken cancellationToken)
    {
        var proxy = _processes.FirstOrDefault(p => p.Name.EndsWith(ProxySuffix, StringComparison.Ordinal))
            ?? throw new InvalidOperationException("No DCP process listens on web's https address.");
        var known = new HashSet<int> { httpsPort, Api.Port };
        var redis = AppHostProcesses.Environment(_replica!.Value.Process.Pid, "ConnectionStrings__redis").GetValueOrDefault("ConnectionStrings__redis");
        if (redis?.Split(',')[0] is { } address && int.TryParse(address[(address.LastIndexOf(':') + 1)..], NumberStyles.None, CultureInfo.InvariantCulture, out var redisPort))
        {
            known.Add(redisPort);
        }
        // A client of its own, so that no connection through the proxy stays open into the measurement.
        using var probe = new HttpClient { Timeout = TimeSpan.FromSeconds(2) };
        async Task<bool> ServesAsync(Uri url, Version version)
        {
            try
            {
                using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(url, "/app.css")) { Version = version, VersionPolicy = HttpVersionPolicy.RequestVersionExact };
                using var response = await probe.SendAsync(request, cancellationToken);
                return response.IsSuccessStatusCode;
            }
            catch (Exception ex) when (ex is HttpRequestException || (ex is TaskCanceledException && !cancellationToken.IsCancellationRequested))
            {
                return false;
            }
        }
        var candidates = AppHostProcesses.ListeningPorts(proxy).Except(known).Order().ToList();
        var found = new List<string>();
        var answering = new List<Uri>();
        foreach (var port in candidates)
        {
            var url = new Uri($"http://127.0.0.1:{port}/");
            var (http1, h2c) = (await ServesAsync(url, HttpVersion.Version11), await ServesAsync(url, HttpVersion.Version20));
            found.Add($"{port}: HTTP/1.1 {(http1 ? "yes" : "no")}, h2c {(h2c ? "yes" : "no")}");
            if (http1 && !h2c)
            {
                answering.Add(url);
            }
        }
        // Two such ports were found in trial runs, both in front of the replicas' plain HTTP/1.1 listeners: either is
        // the path measured (client → DCP's proxy → a replica, no TLS on either leg); the lowest is taken.
        Console.WriteLine($"  DCP's proxy ports besides web's https, the Api's and Redis's: {string.Join("; ", found)}.");
        return answering.Count > 0
            ? answering[0]
            : throw new InvalidOperationException($"No port of {proxy} serves GET /app.css over HTTP/1.1 and not h2c (the Web's http endpoint): {string.Join("; ", found)}.");
    }

    private static Uri Loopback(string url) => new(url.Replace("://localhost:", "://127.0.0.1:", StringComparison.Ordinal));

    /// <summary>
    /// Aspire's health of a resource with replicas is its check through DCP's proxy, so the ready line can come while
    /// one replica is still starting: wait until each answers /health on its own http endpoint.
    /// </summary>
    private async Task EveryReplicaServesAsync(CancellationToken cancellationToken)
    {
        foreach (var web in Webs)
        {
            // Bounded by the caller's start timeout.
            await HttpPoll.UntilAsync(_http, new Uri(OwnAddress(web, "http"), "/health"), response => response.IsSuccessStatusCode,
                () => null, TimeSpan.FromMilliseconds(200), cancellationToken);
        }
    }

    public async Task<int> PublishAsync(int seq, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(_api!, "/quotes"),
            new QuoteRequest(Messages.Text(seq, options.TextLength)), BenchJson.Default.QuoteRequest, cancellationToken);
        return (int)response.StatusCode;
    }

    /// <summary>
    /// SIGINT to the AppHost (as Ctrl+C; then TERM, then KILL, 20 s apart), then every process it had must be gone:
    /// DCP, which watches the AppHost's pid, stops what it started and then itself. Whatever is left after 20 s is
    /// named and killed.
    /// </summary>
    public async Task<string> StopAsync()
    {
        if (_appHost is null)
        {
            return "not started";
        }
        if (_stopNotes is not null)
        {
            return _stopNotes;
        }
        var pid = _appHost.Pid;
        var known = new Dictionary<(int, long), AppHostProcess>();
        void Add(IEnumerable<AppHostProcess> processes)
        {
            foreach (var process in processes.Where(p => p.Pid != pid))
            {
                known.TryAdd((process.Pid, process.StartTicks), process);
            }
        }
        Add(_processes);
        Add(AppHostProcesses.Of(pid)); // anything started since (or all of them, after a failed start)
        var how = await _appHost.StopAsync("INT", TimeSpan.FromSeconds(20));
        var notes = new List<string> { $"AppHost stopped by SIG{how}{(_appHost.ExitCode is { } code ? $" (exit code {code})" : "")}" };
        var clock = System.Diagnostics.Stopwatch.StartNew();
        List<AppHostProcess> left;
        while (true)
        {
            // The AppHost is gone (its pid may be another process's by now): DCP is still found by --monitor <pid>.
            Add(AppHostProcesses.Of(pid, appHostRunning: false));
            left = [.. known.Values.Where(p => p.IsRunning)];
            if (left.Count == 0 || clock.Elapsed > TimeSpan.FromSeconds(20))
            {
                break;
            }
            await Task.Delay(250);
        }
        foreach (var process in left)
        {
            ChildProcess.Signal(process.Pid, "KILL");
        }
        notes.Add(left.Count == 0
            ? $"its other {known.Count} processes gone {clock.Elapsed.TotalSeconds:F1} s later, no process left"
            : $"left running 20 s later and killed: {string.Join(", ", left)}");
        return _stopNotes = string.Join("; ", notes);
    }

    /// <summary>The ASP.NET Core development certificate, which the Web replicas serve.</summary>
    public bool Trusts(X509Certificate certificate) => DevCertificate.Is(certificate);

    public async ValueTask DisposeAsync()
    {
        if (_appHost is not null)
        {
            await StopAsync();
        }
        _appHost?.Dispose();
        _http.Dispose();
    }

    /// <summary><c>CowAspire ready: web=https://127.0.0.1:PORT dashboard=…</c> (ReadyLine.cs in the AppHost).</summary>
    [GeneratedRegex(@"^CowAspire ready: .*\bweb=(?<web>https://\S+)")]
    private static partial Regex ReadyLine();
}

public sealed record QuoteRequest(string Text);

[System.Text.Json.Serialization.JsonSerializable(typeof(QuoteRequest))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
