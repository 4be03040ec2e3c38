namespace CowAspire.Chaos;

/// <summary>What the soak did, as it went: printed, and kept for the report.</summary>
public sealed class ChaosLog
{
    private readonly List<string> _lines = [];

    public IReadOnlyList<string> Lines => _lines;

    public void Line(string text)
    {
        var line = $"[{DateTimeOffset.Now:HH:mm:ss}] {text}";
        _lines.Add(line);
        Console.WriteLine(line);
    }
}
