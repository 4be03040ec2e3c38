namespace CowAspire.AppHost.Orchestration;

/// <summary>Children's output on the AppHost's console, each line prefixed by its resource (coloured on a terminal).</summary>
internal sealed class ResourceConsole
{
    private static readonly string[] Colors = ["\e[36m", "\e[35m", "\e[33m", "\e[32m", "\e[34m", "\e[91m"];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _colorBySource = [];
    private readonly bool _useColor = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void Write(LogLine line)
    {
        lock (_gate)
        {
            if (!_colorBySource.TryGetValue(line.Source, out var color))
            {
                color = Colors[_colorBySource.Count % Colors.Length];
                _colorBySource[line.Source] = color;
            }
            var prefix = _useColor ? $"{color}[{line.Source}]\e[0m" : $"[{line.Source}]";
            (line.IsError ? Console.Error : Console.Out).WriteLine($"{prefix} {line.Text}");
        }
    }
}
