using Aspire.Hosting.ApplicationModel;

namespace CowAspire.Hosting.Orchestration;

/// <summary>Children's output on the AppHost's console, each line prefixed by its resource (coloured on a terminal).</summary>
internal sealed class ResourceConsole
{
    private static readonly string[] Colors = ["\e[36m", "\e[35m", "\e[33m", "\e[32m", "\e[34m", "\e[91m"];
    private readonly Lock _gate = new();
    private readonly Dictionary<string, string> _colorBySource = [];
    private readonly bool _useColor = !Console.IsOutputRedirected && Environment.GetEnvironmentVariable("NO_COLOR") is null;

    public void Write(ResourceLogEntry line)
    {
        lock (_gate)
        {
            if (!_colorBySource.TryGetValue(line.ResourceId, out var color))
            {
                color = Colors[_colorBySource.Count % Colors.Length];
                _colorBySource[line.ResourceId] = color;
            }
            var prefix = _useColor ? $"{color}[{line.ResourceId}]\e[0m" : $"[{line.ResourceId}]";
            (line.IsError ? Console.Error : Console.Out).WriteLine($"{prefix} {line.Text}");
        }
    }
}
