using System.Globalization;

namespace CowAspire.Chaos;

/// <summary>What one soak does; every count and time is bounded and can be set on the command line.</summary>
public sealed class ChaosOptions
{
    public string Repo { get; private set; } = Directory.GetCurrentDirectory();

    /// <summary>Minutes of load and faults (start-up, settling and the oracle come on top).</summary>
    public double Minutes { get; private set; } = 5;

    /// <summary>Scripted EventSource clients, over HTTP/2 to the web's https address through DCP's proxy.</summary>
    public int Clients { get; private set; } = 20;

    /// <summary>Keyed quotes a second, over all publishers.</summary>
    public double Rate { get; private set; } = 20;

    /// <summary>Runs Redis as a primary, a replica and three Sentinels, and adds the failover fault.</summary>
    public bool Sentinel { get; private set; }

    /// <summary>Seeds the order of faults, so a run can be repeated.</summary>
    public int Seed { get; private set; } = Environment.TickCount;

    /// <summary>Seconds after each fault before the next (the app recovers meanwhile).</summary>
    public int RecoverSeconds { get; private set; } = 15;

    public string Report { get; private set; } = Path.Combine("bench", "CHAOS.md");

    /// <summary>The command as the user typed it, for the report.</summary>
    public string Command { get; private set; } = "bench/chaos.sh";

    public const string Usage = """
        Usage: CowAspire.Chaos [--minutes 5] [--clients 20] [--rate 20] [--sentinel] [--seed N] [--recover-seconds 15]
                               [--repo DIR] [--report bench/CHAOS.md] [--command TEXT]
        """;

    public static ChaosOptions Parse(string[] args)
    {
        var options = new ChaosOptions();
        for (var i = 0; i < args.Length; i++)
        {
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{args[i]} needs a value.");
            double Number(double min, double max)
            {
                var name = args[i];
                var value = double.Parse(Value(), CultureInfo.InvariantCulture);
                return value >= min && value <= max ? value : throw new ArgumentException($"{name} must be between {min} and {max}.");
            }
            switch (args[i])
            {
                case "--repo": options.Repo = Path.GetFullPath(Value()); break;
                case "--minutes": options.Minutes = Number(0.5, 60); break;
                case "--clients": options.Clients = (int)Number(1, 200); break;
                case "--rate": options.Rate = Number(1, 200); break;
                case "--sentinel": options.Sentinel = true; break;
                case "--seed": options.Seed = (int)Number(int.MinValue, int.MaxValue); break;
                case "--recover-seconds": options.RecoverSeconds = (int)Number(5, 300); break;
                case "--report": options.Report = Value(); break;
                case "--command": options.Command = Value(); break;
                default: throw new ArgumentException($"Unknown argument {args[i]}.");
            }
        }
        return options;
    }
}
