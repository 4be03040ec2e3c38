using System.Globalization;

namespace CowAspire.Floor;

public enum FloorMode
{
    /// <summary>Each event written into every response's PipeWriter and flushed, from the publishing request.</summary>
    Floor,

    /// <summary>TypedResults.ServerSentEvents over a bounded channel per client, as a .NET developer writes it.</summary>
    TypedResults,
}

/// <summary>The command line: which fan-out, and its loopback ports (streams over TLS, streams over plain HTTP/1.1, publishing).</summary>
public sealed record FloorSettings(FloorMode Mode, int HttpsPort, int HttpPort, int PublishPort)
{
    public static FloorSettings Parse(string[] args)
    {
        var mode = FloorMode.Floor;
        int? https = null;
        int? http = null;
        int? publish = null;
        for (var i = 0; i < args.Length; i++)
        {
            var name = args[i];
            string Value() => i + 1 < args.Length ? args[++i] : throw new ArgumentException($"{name} needs a value.");
            switch (name)
            {
                case "--mode":
                    mode = Value() switch
                    {
                        "floor" => FloorMode.Floor,
                        "typed-results" => FloorMode.TypedResults,
                        var other => throw new ArgumentException($"Unknown mode '{other}' (floor, typed-results)."),
                    };
                    break;
                case "--https-port": https = Port(name, Value()); break;
                case "--http-port": http = Port(name, Value()); break;
                case "--publish-port": publish = Port(name, Value()); break;
                default: throw new ArgumentException($"Unknown argument '{name}'.");
            }
        }
        return new FloorSettings(mode,
            https ?? throw new ArgumentException("--https-port is required."),
            http ?? throw new ArgumentException("--http-port is required."),
            publish ?? throw new ArgumentException("--publish-port is required."));
    }

    private static int Port(string name, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new ArgumentException($"{name} must be a port number, not '{value}'.");
}
