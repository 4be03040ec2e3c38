using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Security.Cryptography.X509Certificates;
using System.Text.Json;
using System.Text.RegularExpressions;

namespace CowAspire.Bench;

/// <summary>
/// CowAspire as built: the Release AppHost started as a process (it starts redis-server, the Api and two Web
/// replicas behind its TCP front door). Subscribers use the front door's HTTPS address (<see cref="Target.App"/>) or
/// the first replica's own HTTPS address, as the dashboard's <c>/api/resources</c> lists it (<see cref="Target.Gateway"/>:
/// the gateway measured on its own; the other replica idles, subscribed to Redis, and is not counted as gateway).
/// Messages are POSTed to the Api (found through the same API), since the Web gateway rate-limits POST /quotes.
/// </summary>
public sealed partial class CowAspireSubject(BenchOptions options, int streams, Target target, bool telemetry = true) : ISubject
{
    /// <summary>The system name of CowAspire run with its services exporting no telemetry.</summary>
    public const string TelemetryOff = "cowaspire-telemetry-off";

    /// <summary>The report's name for that run.</summary>
    public const string TelemetryOffName = "CowAspire, telemetry off";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });
    private ChildProcess? _appHost;
    private Uri? _api;
    private readonly List<(string Name, int Pid)> _services = [];
    private (string Name, int Pid, Uri Url)? _replica;
    private HashSet<string>? _devCertificates;

    /// <summary>The extension that marks ASP.NET Core's HTTPS development certificate.</summary>
    private const string AspNetHttpsOid = "1.3.6.1.4.1.311.84.1.1";

    public string Name => telemetry ? "CowAspire" : TelemetryOffName;

    /// <summary>Runs under perf: the services write a perf map and run JIT code without W^X, so perf can name it.</summary>
    public bool Profiled { get; init; }

    public string GatewayLabel => target == Target.Gateway
        ? $"Web replica {_replica?.Name} alone, on its own port (1 process)"
        : "Web replicas behind the front door (2 processes)";

    public string AllLabel => "AppHost (front door) + Web ×2 + Api + redis-server";

    public Uri SubscribeUrl { get; private set; } = new("https://127.0.0.1/");

    public IReadOnlyList<int> GatewayPids => target == Target.Gateway && _replica is { } replica
        ? [replica.Pid]
        : [.. _services.Where(s => s.Name.StartsWith("web-", StringComparison.Ordinal)).Select(s => s.Pid)];

    public IReadOnlyList<int> AllPids => [.. Processes.Select(p => p.Pid)];

    public IReadOnlyList<(string Name, int Pid)> Processes =>
        [.. _appHost is { } host ? [("apphost", host.Pid)] : Array.Empty<(string, int)>(), .. _services];

    /// <summary>The environment the AppHost (and so every service) gets.</summary>
    public IReadOnlyDictionary<string, string> Environment
    {
        get
        {
            var environment = new Dictionary<string, string>
            {
                // Web's endpoints (https, http, h2c) are its development settings, as under `dotnet run`.
                ["DOTNET_ENVIRONMENT"] = "Development",
                // The schedule must not publish during the run.
                ["Quotes__PublishInterval"] = "01:00:00",
                // Behind the front door every stream comes from one address (the proxy's): lift the per-address cap
                // (default 1000 per process) and the per-process cap (default 10000) above the scenario's size.
                ["Limits__MaxStreamsPerAddress"] = Math.Max(1000, streams * 2).ToString(CultureInfo.InvariantCulture),
                ["Limits__MaxStreams"] = Math.Max(10_000, streams * 2).ToString(CultureInfo.InvariantCulture),
            };
            if (!telemetry)
            {
                environment["Dashboard__Otlp__Enabled"] = "false";
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
        var dll = Path.Combine(options.Repo, "CowAspire.AppHost", "bin", "Release", "net10.0", "CowAspire.AppHost.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: run 'dotnet build -c Release' first (bench/run.sh does).");
        }

        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        _appHost = await ChildProcess.StartAsync("dotnet", [dll, "DcpPublisher:RandomizePorts=true", "Dashboard:Port=0"], Environment, options.Repo,
            line =>
            {
                if (line.StartsWith("CowAspire ready:", StringComparison.Ordinal))
                {
                    ready.TrySetResult(line);
                }
            });

        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(options.StartTimeout);
        var exited = _appHost.WaitForExitAsync(timeout.Token);
        string line;
        try
        {
            if (await Task.WhenAny(ready.Task, exited) != ready.Task)
            {
                throw new InvalidOperationException($"The AppHost exited before it was ready. Its last lines:\n{_appHost.Tail}");
            }
            line = await ready.Task;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            throw new TimeoutException($"The AppHost was not ready within {options.StartTimeout}. Its last lines:\n{_appHost.Tail}");
        }

        var match = ReadyLine().Match(line);
        if (!match.Success)
        {
            throw new InvalidOperationException($"Cannot read the ready line: {line}");
        }
        SubscribeUrl = new Uri(match.Groups["web"].Value.TrimEnd('/') + "/events");
        var dashboard = match.Groups["dashboard"].Value;
        var token = Uri.UnescapeDataString(match.Groups["token"].Value);

        using var request = new HttpRequestMessage(HttpMethod.Get, $"{dashboard}/api/resources");
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", token);
        using var response = await _http.SendAsync(request, cancellationToken);
        response.EnsureSuccessStatusCode();
        using var resources = JsonDocument.Parse(await response.Content.ReadAsStringAsync(cancellationToken));
        foreach (var resource in resources.RootElement.EnumerateArray())
        {
            var name = resource.GetProperty("name").GetString() ?? "";
            if (resource.GetProperty("pid").ValueKind == JsonValueKind.Number)
            {
                var pid = resource.GetProperty("pid").GetInt32();
                _services.Add((name, pid));
                if (resource.GetProperty("resource").GetString() == "web" && _replica is null)
                {
                    foreach (var endpoint in resource.GetProperty("endpoints").EnumerateArray())
                    {
                        if (endpoint.GetProperty("name").GetString() == "https")
                        {
                            _replica = (name, pid, new Uri(endpoint.GetProperty("replicaUrl").GetString()!));
                        }
                    }
                }
            }
            if (resource.GetProperty("resource").GetString() == "api")
            {
                foreach (var endpoint in resource.GetProperty("endpoints").EnumerateArray())
                {
                    if (endpoint.GetProperty("name").GetString() == "http")
                    {
                        _api = new Uri(endpoint.GetProperty("url").GetString()!);
                    }
                }
            }
        }
        if (_api is null || GatewayPids.Count == 0 || _replica is null)
        {
            throw new InvalidOperationException($"The dashboard did not list the Api's http endpoint and the Web replicas' https endpoints: {resources.RootElement}");
        }
        if (target == Target.Gateway)
        {
            SubscribeUrl = new Uri(_replica.Value.Url, "/events");
        }
    }

    public async Task<int> PublishAsync(int seq, CancellationToken cancellationToken)
    {
        using var response = await _http.PostAsJsonAsync(new Uri(_api!, "/quotes"),
            new QuoteRequest(Messages.Text(seq, options.TextLength)), BenchJson.Default.QuoteRequest, cancellationToken);
        return (int)response.StatusCode;
    }

    public async Task<string> StopAsync()
    {
        if (_appHost is null)
        {
            return "not started";
        }
        var how = await _appHost.StopAsync("INT", TimeSpan.FromSeconds(20));
        var notes = new List<string> { $"AppHost stopped by SIG{how}" };
        // Every service the AppHost started must be gone with it.
        var deadline = DateTime.UtcNow.AddSeconds(10);
        List<(string Name, int Pid)> left;
        while ((left = [.. _services.Where(s => ProcStats.IsRunning(s.Pid, s.Name == "redis" ? "redis-server" : "CowAspire."))]).Count > 0
            && DateTime.UtcNow < deadline)
        {
            await Task.Delay(200);
        }
        foreach (var (name, pid) in left)
        {
            ChildProcess.Signal(pid, "KILL");
            notes.Add($"{name} (pid {pid}) was left running and was killed");
        }
        if (left.Count == 0)
        {
            notes.Add("no process left");
        }
        return string.Join("; ", notes);
    }

    /// <summary>The ASP.NET Core development certificate(s) of this user, which the Web replicas serve.</summary>
    public bool Trusts(X509Certificate certificate)
    {
        if (_devCertificates is null)
        {
            using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
            _devCertificates = [.. store.Certificates
                .Where(c => c.Extensions.Any(e => e.Oid?.Value == AspNetHttpsOid))
                .Select(c => c.GetCertHashString())];
        }
        return _devCertificates.Contains(certificate.GetCertHashString());
    }

    public async ValueTask DisposeAsync()
    {
        if (_appHost is { HasExited: false })
        {
            await StopAsync();
        }
        _appHost?.Dispose();
        _http.Dispose();
    }

    [GeneratedRegex(@"web=(?<web>https://\S+).*dashboard=(?<dashboard>http://[^/\s]+)/login\?t=(?<token>\S+)")]
    private static partial Regex ReadyLine();
}

public sealed record QuoteRequest(string Text);

[System.Text.Json.Serialization.JsonSerializable(typeof(QuoteRequest))]
[System.Text.Json.Serialization.JsonSourceGenerationOptions(JsonSerializerDefaults.Web)]
internal sealed partial class BenchJson : System.Text.Json.Serialization.JsonSerializerContext;
