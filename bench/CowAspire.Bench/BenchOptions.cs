using System.Globalization;
using CowAspire.Bench.Client;

namespace CowAspire.Bench;

/// <summary>What serves the streams in a scenario.</summary>
public enum Target
{
    /// <summary>One gateway process on its own endpoint: one Web replica (its own port), nginx with one worker.</summary>
    Gateway,

    /// <summary>The whole app: DCP's proxy in front of CowAspire's two Web replicas, nginx with two workers.</summary>
    App,
}

/// <summary>What one bench run does; every size and time limit can be set on the command line.</summary>
public sealed class BenchOptions
{
    /// <summary>The repository root (holds CowAspire.sln and the built AppHost).</summary>
    public string Repo { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>One scenario per entry: that many concurrent SSE subscribers on each system.</summary>
    public IReadOnlyList<int> Streams { get; set; } = [1000, 2000, 5000, 10_000];

    /// <summary>Subscriber protocols, one scenario each (by default both over TLS; h1c, HTTP/1.1 without TLS, when asked).</summary>
    public IReadOnlyList<WireProtocol> Protocols { get; set; } = [WireProtocol.Http2, WireProtocol.Http11];

    /// <summary>What serves the streams, one scenario each.</summary>
    public IReadOnlyList<Target> Targets { get; set; } = [Target.Gateway, Target.App];

    /// <summary>Seconds of publishing per scenario (messages = rate × seconds).</summary>
    public int Seconds { get; set; } = 12;

    /// <summary>Seconds of the same load, unmeasured, between the readiness message and the measured fan-out.</summary>
    public int SettleSeconds { get; set; } = 4;

    /// <summary>Messages published per scenario (after one warm-up message that is not measured).</summary>
    public int Messages => (int)Math.Max(1, Math.Round(Rate * Seconds));

    /// <summary>Publish rate, messages per second.</summary>
    public double Rate { get; set; } = 10;

    /// <summary>
    /// Characters of quote text per message (the bench marker included). 20 makes one rendered cowsay quote of
    /// about 420 bytes on the wire per event (a one-line bubble, the cow, the HTML around it, the SSE fields).
    /// </summary>
    public int TextLength { get; set; } = 20;

    /// <summary>Client connections being set up (TCP + TLS) at once; a browser crowd arrives spread out, not in one burst.</summary>
    public int ConnectConcurrency { get; set; } = 64;

    /// <summary>Streams in the unmeasured warm-up round each system gets after it starts (0 = none).</summary>
    public int PrimerStreams { get; set; } = 100;

    /// <summary>Messages in the warm-up round.</summary>
    public int PrimerMessages { get; set; } = 30;

    /// <summary>Runs of each scenario per system; the report shows the run least disturbed by other load.</summary>
    public int Repeat { get; set; } = 1;

    /// <summary>Samples where the gateway's CPU goes (perf, with .NET's perf map) during one scenario per protocol.</summary>
    public bool Profile { get; set; }

    /// <summary>The size whose gateway-alone scenarios are profiled (null: the largest, where both systems saturate the cores).</summary>
    public int? ProfileStreams { get; set; }

    /// <summary>After the warm-up round, wait at most this long for the gateway to idle at steady state.</summary>
    public TimeSpan SteadyWait { get; set; } = TimeSpan.FromSeconds(120);

    /// <summary>"Steady": each gateway process idles below this much CPU, in ms a second (a settled Web replica: ~4).</summary>
    public double SteadyCpuMsPerSecond { get; set; } = 10;

    /// <summary>Whether the scenario of <paramref name="target"/> at <paramref name="streams"/> is profiled.</summary>
    public bool Profiles(Target target, int streams) => Profile && target == Target.Gateway && streams == (ProfileStreams ?? Streams.Max());

    /// <summary>Seconds of profiling per profiled scenario.</summary>
    public int ProfileSeconds { get; set; } = 10;

    /// <summary>Before each run, wait up to this long for the machine to be quiet (see QuietPercent).</summary>
    public TimeSpan QuietWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>"Quiet": all cores together less busy than this, in percent, over one second.</summary>
    public double QuietPercent { get; set; } = 25;

    /// <summary>Which systems to run, in this order: cowaspire, nchan, floor, typed-results.</summary>
    public IReadOnlyList<string> Systems { get; set; } = ["cowaspire", "nchan"];

    /// <summary>
    /// Sizes at which the gateway-alone scenarios also run CowAspire with its telemetry off
    /// (<c>OTEL_SDK_DISABLED=true</c> in the services: OpenTelemetry's SDK collects and exports nothing), so
    /// telemetry's cost is measured in the same run.
    /// </summary>
    public IReadOnlyList<int> TelemetryOffStreams { get; set; } = [2000];

    /// <summary>nginx worker processes in the whole-app scenarios (the peer of CowAspire's two Web replicas).</summary>
    public int NginxWorkers { get; set; } = 2;

    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(90);
    public TimeSpan WarmupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after the last publish the bench waits for stragglers.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(10);

    /// <summary>The whole run stops (and cleans up) after this, whatever it is doing.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(80);

    /// <summary>Where the Markdown report goes (relative to the repository).</summary>
    public string Report { get; set; } = "bench/REPORT.md";

    /// <summary>The command line to quote in the report (run.sh passes its own).</summary>
    public string? Command { get; set; }

    /// <summary>Extra environment for the AppHost (inherited by its services), KEY=VALUE.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CowAspireEnvironment { get; set; } = [];

    public const string Usage = """
        CowAspire.Bench — CowAspire vs nginx+nchan SSE fan-out, loopback only.

          --repo DIR                    repository root (default: current directory)
          --streams 1000,2000,5000,10000  concurrent subscribers, one client connection each, one scenario each
          --protocols h2,h1             subscriber protocols: h2 = HTTP/2 + TLS, h1 = HTTP/1.1 + TLS,
                                        h1c = HTTP/1.1 without TLS (each server's plain-HTTP port)
          --targets gateway,app         gateway = one Web replica on its own port vs nginx with 1 worker;
                                        app = DCP's proxy and two replicas vs nginx with 2 workers
          --seconds 12                  seconds of measured publishing per scenario
          --settle-seconds 4            seconds of the same load before it, unmeasured (steady state)
          --rate 10                     messages per second
          --text-length 20              characters of quote text per message (20 ≈ 420 bytes per event)
          --connect-concurrency 64      connections set up at once
          --streams-per-address 1000    client connections per loopback source address (127.0.0.2, .3, …)
          --warmup-streams 100          streams in the unmeasured warm-up round after each start (0 = none)
          --warmup-messages 30          messages in that round
          --systems cowaspire,nchan     which systems, in order: cowaspire, nchan, floor (Kestrel's floor:
                                        bench/CowAspire.Floor), typed-results (TypedResults.ServerSentEvents
                                        over a channel per client), floor-beside-app (the floor holding the
                                        streams while CowAspire's app runs beside it, fed the same messages);
                                        the last three serve the gateway target only
          --repeat 1                    runs per scenario and system (the least disturbed one is reported)
          --quiet-wait 15               seconds to wait before each run for the machine to be quiet
          --quiet-percent 25            quiet = all cores less busy than this (percent, over 1 s)
          --telemetry-off-at 2000       sizes at which gateway-alone scenarios also run CowAspire with telemetry off
                                        (OTEL_SDK_DISABLED=true in its services; none = never)
          --nginx-workers 2             nginx worker processes in the whole-app scenarios
          --drain-timeout 10            seconds to wait for stragglers after the last publish
          --steady-seconds 120          after the warm-up round, wait up to this long for the gateway to idle (JIT done)
          --steady-cpu 10               idle = below this many ms of CPU a second per gateway process
          --profile                     sample the gateway's CPU with perf (largest size, each protocol, both systems)
          --profile-at 2000             the size profiled (default: the largest)
          --profile-seconds 10          seconds of sampling per profiled scenario
          --max-seconds 4800            hard limit for the whole run
          --env KEY=VALUE               extra environment for the AppHost, which DCP passes on to the services (repeatable)
          --report bench/REPORT.md      report path (relative to --repo)
          --command "..."               command line quoted in the report
        """;

    public static BenchOptions Parse(string[] args)
    {
        var options = new BenchOptions();
        var environment = new List<KeyValuePair<string, string>>();
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--repo": options.Repo = Path.GetFullPath(Value()); break;
                case "--streams": options.Streams = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Positive(name, s))]; break;
                case "--protocols": options.Protocols = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseProtocol)]; break;
                case "--targets": options.Targets = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(ParseTarget)]; break;
                case "--seconds": options.Seconds = Positive(name, Value()); break;
                case "--settle-seconds": options.SettleSeconds = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--rate": options.Rate = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--text-length": options.TextLength = Math.Clamp(Positive(name, Value()), 16, 280); break;
                case "--streams-per-address": Client.SourceAddresses.PerAddress = Positive(name, Value()); break;
                case "--connect-concurrency": options.ConnectConcurrency = Positive(name, Value()); break;
                case "--profile": options.Profile = true; break;
                case "--steady-seconds": options.SteadyWait = TimeSpan.FromSeconds(int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture)); break;
                case "--steady-cpu": options.SteadyCpuMsPerSecond = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--profile-at": options.ProfileStreams = Positive(name, Value()); break;
                case "--profile-seconds": options.ProfileSeconds = Positive(name, Value()); break;
                case "--warmup-streams": options.PrimerStreams = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--warmup-messages": options.PrimerMessages = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--repeat": options.Repeat = Positive(name, Value()); break;
                case "--quiet-wait": options.QuietWait = TimeSpan.FromSeconds(int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture)); break;
                case "--quiet-percent": options.QuietPercent = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--telemetry-off-at":
                    var sizes = Value();
                    options.TelemetryOffStreams = sizes == "none" ? [] : [.. sizes.Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => Positive(name, s))];
                    break;
                case "--systems": options.Systems = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim().ToLowerInvariant())]; break;
                case "--nginx-workers": options.NginxWorkers = Positive(name, Value()); break;
                case "--drain-timeout": options.DrainTimeout = TimeSpan.FromSeconds(Positive(name, Value())); break;
                case "--max-seconds": options.MaxDuration = TimeSpan.FromSeconds(Positive(name, Value())); break;
                case "--report": options.Report = Value(); break;
                case "--command": options.Command = Value(); break;
                case "--env":
                    var pair = Value();
                    var eq = pair.IndexOf('=', StringComparison.Ordinal);
                    if (eq <= 0)
                    {
                        throw new ArgumentException($"--env takes KEY=VALUE, not '{pair}'.");
                    }
                    environment.Add(KeyValuePair.Create(pair[..eq], pair[(eq + 1)..]));
                    break;
                default: throw new ArgumentException($"Unknown argument '{name}'.");
            }
        }
        options.CowAspireEnvironment = environment;
        if (options.Rate <= 0)
        {
            throw new ArgumentException("--rate must be above 0.");
        }
        foreach (var system in options.Systems)
        {
            if (system is not ("cowaspire" or "nchan" or FloorSubject.FloorSystem or FloorSubject.TypedResultsSystem or FloorBesideAppSubject.System))
            {
                throw new ArgumentException($"Unknown system '{system}' (cowaspire, nchan, floor, typed-results, floor-beside-app).");
            }
        }
        return options;
    }

    private static WireProtocol ParseProtocol(string value) => value.Trim().ToLowerInvariant() switch
    {
        "h2" or "2" or "http2" => WireProtocol.Http2,
        "h1" or "1.1" or "http1.1" or "http1" => WireProtocol.Http11,
        "h1c" => WireProtocol.Http11Plain,
        _ => throw new ArgumentException($"Unknown protocol '{value}' (h2, h1, h1c)."),
    };

    private static Target ParseTarget(string value) => value.Trim().ToLowerInvariant() switch
    {
        "gateway" => Target.Gateway,
        "app" => Target.App,
        _ => throw new ArgumentException($"Unknown target '{value}' (gateway, app)."),
    };

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a whole number above 0, not '{value}'.");
}
