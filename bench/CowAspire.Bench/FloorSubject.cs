using System.Diagnostics;
using System.Security.Cryptography.X509Certificates;

namespace CowAspire.Bench;

/// <summary>
/// Kestrel's floor (bench/CowAspire.Floor): a minimal ASP.NET Core app with the Web's Kestrel settings (HTTP/2 and
/// HTTP/1.1 by ALPN over TLS with the development certificate, HTTP/1.1 alone on a plain-HTTP port as the Web's http
/// endpoint, 1000 streams per connection, Server GC) that writes
/// each event's bytes into every response's PipeWriter and flushes, nothing else; or, as <see cref="TypedResultsSystem"/>,
/// what a .NET developer writes by default: TypedResults.ServerSentEvents over a channel per client. Fed as nchan
/// is: the bench POSTs the same HTML fragment to a plain-HTTP publish endpoint, and it sends it as an unnamed event
/// with a numeric id. One process: gateway and all.
/// </summary>
public sealed class FloorSubject(BenchOptions options, bool typedResults = false) : ISubject
{
    public const string FloorSystem = "floor";
    public const string TypedResultsSystem = "typed-results";

    /// <summary>The report's names.</summary>
    public const string FloorName = "floor";
    public const string TypedResultsName = "TypedResults";

    private readonly HttpClient _http = new(new SocketsHttpHandler { PooledConnectionIdleTimeout = TimeSpan.FromMinutes(5) });
    private ChildProcess? _process;
    private Uri? _publish;

    public string Name => typedResults ? TypedResultsName : FloorName;

    public string GatewayLabel => typedResults
        ? "CowAspire.Floor --mode typed-results (1 process)"
        : "CowAspire.Floor --mode floor (1 process)";

    public string AllLabel => GatewayLabel;

    public Uri SubscribeUrl { get; private set; } = new("https://127.0.0.1/");

    public Uri? PlainSubscribeUrl { get; private set; }

    public IReadOnlyList<int> GatewayPids => _process is { } process ? [process.Pid] : [];

    public IReadOnlyList<int> AllPids => GatewayPids;

    public IReadOnlyList<(string Name, int Pid)> Processes => _process is { } process ? [(Name, process.Pid)] : [];

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var dll = Path.Combine(options.Repo, "bench", "CowAspire.Floor", "bin", "Release", "net10.0", "CowAspire.Floor.dll");
        if (!File.Exists(dll))
        {
            throw new InvalidOperationException($"{dll} is missing: run 'dotnet build -c Release' first (bench/run.sh does).");
        }
        var (httpsPort, httpPort, publishPort) = (LoopbackPort.Free(), LoopbackPort.Free(), LoopbackPort.Free());
        _process = await ChildProcess.StartAsync("dotnet",
            [dll, "--mode", typedResults ? "typed-results" : "floor", "--https-port", $"{httpsPort}", "--http-port", $"{httpPort}", "--publish-port", $"{publishPort}"],
            new Dictionary<string, string> { ["DOTNET_ENVIRONMENT"] = "Production" });
        SubscribeUrl = new Uri($"https://127.0.0.1:{httpsPort}/sub");
        PlainSubscribeUrl = new Uri($"http://127.0.0.1:{httpPort}/sub");
        _publish = new Uri($"http://127.0.0.1:{publishPort}/pub");
        var health = new Uri($"http://127.0.0.1:{publishPort}/health");
        var deadline = Stopwatch.StartNew();
        var process = _process;
        await HttpPoll.UntilAsync(_http, health, response => response.IsSuccessStatusCode,
            () => process.HasExited || deadline.Elapsed > options.StartTimeout ? $"The floor did not start. Output:\n{process.Tail}" : null,
            TimeSpan.FromMilliseconds(100), cancellationToken);
    }

    public Task<int> PublishAsync(int seq, CancellationToken cancellationToken) =>
        Messages.PostHtmlAsync(_http, _publish!, seq, options.TextLength, cancellationToken);

    public async Task<string> StopAsync()
    {
        if (_process is null)
        {
            return "not started";
        }
        if (_process.HasExited)
        {
            return $"exited (code {_process.ExitCode})";
        }
        // The app gives open streams 2 s (HostOptions.ShutdownTimeout) before Kestrel aborts them.
        var how = await _process.StopAsync("TERM", TimeSpan.FromSeconds(10));
        return $"stopped by SIG{how}{(_process.ExitCode is { } code ? $" (exit code {code})" : "")}; no process left";
    }

    /// <summary>The ASP.NET Core development certificate, as the Web serves.</summary>
    public bool Trusts(X509Certificate certificate) => DevCertificate.Is(certificate);

    public async ValueTask DisposeAsync()
    {
        if (_process is { HasExited: false })
        {
            await StopAsync();
        }
        _process?.Dispose();
        _http.Dispose();
    }
}
