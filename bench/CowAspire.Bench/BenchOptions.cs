using System.Globalization;

namespace CowAspire.Bench;

/// <summary>What one bench run does; every size and time limit can be set on the command line.</summary>
public sealed class BenchOptions
{
    /// <summary>The repository root (holds CowAspire.sln and the built AppHost).</summary>
    public string Repo { get; set; } = Directory.GetCurrentDirectory();

    /// <summary>One scenario per entry: that many concurrent SSE subscribers on each system.</summary>
    public IReadOnlyList<int> Streams { get; set; } = [1000, 3000];

    /// <summary>Messages published per scenario (after one warm-up message that is not measured).</summary>
    public int Messages { get; set; } = 200;

    /// <summary>Publish rate, messages per second.</summary>
    public double Rate { get; set; } = 20;

    /// <summary>HTTP/2 streams multiplexed on one client connection.</summary>
    public int StreamsPerConnection { get; set; } = 100;

    /// <summary>Characters of quote text per message (the bench marker included); CowAspire allows up to 280.</summary>
    public int TextLength { get; set; } = 180;

    /// <summary>Streams in the unmeasured warm-up round each system gets after it starts (0 = none).</summary>
    public int PrimerStreams { get; set; } = 200;

    /// <summary>Messages in the warm-up round.</summary>
    public int PrimerMessages { get; set; } = 50;

    /// <summary>Runs of each scenario per system; the report shows the run least disturbed by other load.</summary>
    public int Repeat { get; set; } = 2;

    /// <summary>Before each run, wait up to this long for the machine to be quiet (see QuietPercent).</summary>
    public TimeSpan QuietWait { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>"Quiet": all cores together less busy than this, in percent, over one second.</summary>
    public double QuietPercent { get; set; } = 25;

    /// <summary>Which systems to run, in this order: cowaspire, nchan.</summary>
    public IReadOnlyList<string> Systems { get; set; } = ["cowaspire", "nchan"];

    /// <summary>"2" (HTTP/2 over TLS) or "1.1" (HTTP/1.1 over TLS, one connection per stream) for nchan.</summary>
    public string NchanHttp { get; set; } = "2";

    /// <summary>nginx worker processes (the peer of CowAspire's two Web replicas).</summary>
    public int NginxWorkers { get; set; } = 2;

    public TimeSpan StartTimeout { get; set; } = TimeSpan.FromSeconds(90);
    public TimeSpan ConnectTimeout { get; set; } = TimeSpan.FromSeconds(60);
    public TimeSpan WarmupTimeout { get; set; } = TimeSpan.FromSeconds(30);

    /// <summary>How long after the last publish the bench waits for stragglers.</summary>
    public TimeSpan DrainTimeout { get; set; } = TimeSpan.FromSeconds(15);

    /// <summary>The whole run stops (and cleans up) after this, whatever it is doing.</summary>
    public TimeSpan MaxDuration { get; set; } = TimeSpan.FromMinutes(10);

    /// <summary>Where the Markdown report goes (relative to the repository).</summary>
    public string Report { get; set; } = "bench/REPORT.md";

    /// <summary>The command line to quote in the report (run.sh passes its own).</summary>
    public string? Command { get; set; }

    /// <summary>Extra environment for the AppHost (inherited by its services), KEY=VALUE.</summary>
    public IReadOnlyList<KeyValuePair<string, string>> CowAspireEnvironment { get; set; } = [];

    public const string Usage = """
        CowAspire.Bench — CowAspire vs nginx+nchan SSE fan-out, loopback only.

          --repo DIR                    repository root (default: current directory)
          --streams 1000,3000           concurrent subscribers, one scenario each
          --messages 200                messages per scenario (plus one unmeasured readiness message)
          --rate 20                     messages per second
          --streams-per-connection 100  HTTP/2 streams per client connection
          --text-length 180             characters of quote text per message (≤ 280)
          --warmup-streams 200          streams in the unmeasured warm-up round after each start (0 = none)
          --warmup-messages 50          messages in that round
          --systems cowaspire,nchan     which systems, in order
          --repeat 2                    runs per scenario and system (the least disturbed one is reported)
          --quiet-wait 15               seconds to wait before each run for the machine to be quiet
          --quiet-percent 25            quiet = all cores less busy than this (percent, over 1 s)
          --nchan-http 2|1.1            nchan subscriber protocol (TLS either way)
          --nginx-workers 2             nginx worker processes
          --drain-timeout 15            seconds to wait for stragglers after the last publish
          --max-seconds 600             hard limit for the whole run
          --env KEY=VALUE               extra environment for the AppHost (repeatable)
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
                case "--messages": options.Messages = Positive(name, Value()); break;
                case "--rate": options.Rate = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--streams-per-connection": options.StreamsPerConnection = Positive(name, Value()); break;
                case "--text-length": options.TextLength = Math.Clamp(Positive(name, Value()), 20, 280); break;
                case "--warmup-streams": options.PrimerStreams = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--warmup-messages": options.PrimerMessages = int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture); break;
                case "--repeat": options.Repeat = Positive(name, Value()); break;
                case "--quiet-wait": options.QuietWait = TimeSpan.FromSeconds(int.Parse(Value(), NumberStyles.None, CultureInfo.InvariantCulture)); break;
                case "--quiet-percent": options.QuietPercent = double.Parse(Value(), CultureInfo.InvariantCulture); break;
                case "--systems": options.Systems = [.. Value().Split(',', StringSplitOptions.RemoveEmptyEntries).Select(s => s.Trim().ToLowerInvariant())]; break;
                case "--nchan-http":
                    options.NchanHttp = Value();
                    if (options.NchanHttp is not ("1.1" or "2"))
                    {
                        throw new ArgumentException("--nchan-http is 2 or 1.1.");
                    }
                    break;
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
            if (system is not ("cowaspire" or "nchan"))
            {
                throw new ArgumentException($"Unknown system '{system}' (cowaspire, nchan).");
            }
        }
        return options;
    }

    private static int Positive(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var n) && n > 0
            ? n
            : throw new ArgumentException($"{name} must be a whole number above 0, not '{value}'.");
}
