namespace Aspire.Hosting.ApplicationModel;

/// <summary>The lifecycle states a resource reports, as Aspire names them. Health is reported separately.</summary>
public static class KnownResourceStates
{
    public static readonly string NotStarted = nameof(NotStarted);
    public static readonly string Waiting = nameof(Waiting);
    public static readonly string Starting = nameof(Starting);
    public static readonly string Running = nameof(Running);
    public static readonly string Active = nameof(Active);
    public static readonly string RuntimeUnhealthy = nameof(RuntimeUnhealthy);
    public static readonly string Stopping = nameof(Stopping);

    /// <summary>The process ended without being asked to.</summary>
    public static readonly string Exited = nameof(Exited);

    /// <summary>The process ended because it was asked to stop.</summary>
    public static readonly string Finished = nameof(Finished);

    /// <summary>It could not be started, or kept crashing until the orchestrator gave up.</summary>
    public static readonly string FailedToStart = nameof(FailedToStart);

    public static readonly IReadOnlyList<string> TerminalStates = [Finished, Exited, FailedToStart];
}

/// <summary>The commands every resource has in the dashboard and through <see cref="ResourceCommandService"/>.</summary>
public static class KnownResourceCommands
{
    public static readonly string StartCommand = "resource-start";
    public static readonly string StopCommand = "resource-stop";
    public static readonly string RestartCommand = "resource-restart";
}
