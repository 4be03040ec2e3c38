namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// Aspire's resource commands (the dashboard's stop, start and restart) run on a resource or one instance of it, each
/// failing with the command's own message; what follows is for the caller to wait for (<see cref="ResourceWaits"/>).
/// </summary>
public static class ResourceCommandExtensions
{
    public static Task StopResourceAsync(this DistributedApplication app, string resourceOrInstance, CancellationToken cancellationToken) =>
        app.ExecuteAsync(resourceOrInstance, KnownResourceCommands.StopCommand, cancellationToken);

    public static Task StartResourceAsync(this DistributedApplication app, string resourceOrInstance, CancellationToken cancellationToken) =>
        app.ExecuteAsync(resourceOrInstance, KnownResourceCommands.StartCommand, cancellationToken);

    public static Task RestartResourceAsync(this DistributedApplication app, string resourceOrInstance, CancellationToken cancellationToken) =>
        app.ExecuteAsync(resourceOrInstance, KnownResourceCommands.RestartCommand, cancellationToken);

    private static async Task ExecuteAsync(this DistributedApplication app, string resourceOrInstance, string command, CancellationToken cancellationToken)
    {
        var result = await app.ResourceCommands.ExecuteCommandAsync(resourceOrInstance, command, cancellationToken);
        Assert.True(result.Success, $"{command} on {resourceOrInstance}: {result.Message}");
    }
}
