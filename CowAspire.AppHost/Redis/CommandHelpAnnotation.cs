namespace CowAspire.AppHost.Redis;

/// <summary>What to tell the user when the resource's command is not installed: how to install it, which setting names another.</summary>
internal sealed class CommandHelpAnnotation(string help) : IResourceAnnotation
{
    public string Help { get; } = help;
}
