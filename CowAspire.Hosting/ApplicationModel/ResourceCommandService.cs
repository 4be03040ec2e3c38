using CowAspire.Hosting.Orchestration;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Runs a resource's commands (start, stop, restart) as the dashboard's buttons do.</summary>
public class ResourceCommandService
{
    private readonly Orchestrator _orchestrator;

    internal ResourceCommandService(Orchestrator orchestrator) => _orchestrator = orchestrator;

    public Task<ExecuteCommandResult> ExecuteCommandAsync(IResource resource, string commandName, CancellationToken cancellationToken = default) =>
        ExecuteCommandAsync(resource.Name, commandName, cancellationToken);

    /// <param name="resourceId">A replica (<c>web-0</c>) or a whole resource (<c>web</c>: every replica).</param>
    public async Task<ExecuteCommandResult> ExecuteCommandAsync(string resourceId, string commandName, CancellationToken cancellationToken = default)
    {
        var instances = _orchestrator.Find(resourceId);
        if (instances.Count == 0)
        {
            return CommandResults.Failure($"No resource or replica is named '{resourceId}'.");
        }
        Func<ResourceInstance, Task>? command =
            commandName == KnownResourceCommands.StartCommand ? i => i.StartAsync()
            : commandName == KnownResourceCommands.StopCommand ? i => i.StopAsync()
            : commandName == KnownResourceCommands.RestartCommand ? i => i.RestartAsync()
            : null;
        if (command is null)
        {
            return CommandResults.Failure($"'{commandName}' is not a command of '{resourceId}'; use one of: " +
                $"{KnownResourceCommands.StartCommand}, {KnownResourceCommands.StopCommand}, {KnownResourceCommands.RestartCommand}.");
        }
        try
        {
            await Task.WhenAll(instances.Select(command)).WaitAsync(cancellationToken);
            return CommandResults.Success();
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            return CommandResults.Canceled();
        }
        catch (InvalidOperationException ex)
        {
            return CommandResults.Failure(ex.Message);
        }
    }
}

public sealed class ExecuteCommandResult
{
    public required bool Success { get; init; }

    public bool Canceled { get; init; }

    public string? ErrorMessage { get; init; }
}

public static class CommandResults
{
    public static ExecuteCommandResult Success() => new() { Success = true };

    public static ExecuteCommandResult Failure(string? errorMessage = null) => new() { Success = false, ErrorMessage = errorMessage };

    public static ExecuteCommandResult Failure(Exception exception) => Failure(exception?.Message);

    public static ExecuteCommandResult Canceled() => new() { Success = false, Canceled = true };
}
