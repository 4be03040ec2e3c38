namespace Aspire.Hosting.ApplicationModel;

/// <summary>Adds environment variables for the resource's process when it starts.</summary>
public class EnvironmentCallbackAnnotation : IResourceAnnotation
{
    public EnvironmentCallbackAnnotation(string name, Func<string> callback)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(name);
        ArgumentNullException.ThrowIfNull(callback);
        Callback = context =>
        {
            context.EnvironmentVariables[name] = callback();
            return Task.CompletedTask;
        };
    }

    public EnvironmentCallbackAnnotation(Action<EnvironmentCallbackContext> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Callback = context =>
        {
            callback(context);
            return Task.CompletedTask;
        };
    }

    public EnvironmentCallbackAnnotation(Func<EnvironmentCallbackContext, Task> callback) =>
        Callback = callback ?? throw new ArgumentNullException(nameof(callback));

    public Func<EnvironmentCallbackContext, Task> Callback { get; }
}

/// <summary>Adds command-line arguments for the resource's process when it starts.</summary>
public sealed class CommandLineArgsCallbackAnnotation : IResourceAnnotation
{
    public CommandLineArgsCallbackAnnotation(Action<IList<object>> callback)
    {
        ArgumentNullException.ThrowIfNull(callback);
        Callback = context =>
        {
            callback(context.Args);
            return Task.CompletedTask;
        };
    }

    public CommandLineArgsCallbackAnnotation(Func<CommandLineArgsCallbackContext, Task> callback) =>
        Callback = callback ?? throw new ArgumentNullException(nameof(callback));

    public Func<CommandLineArgsCallbackContext, Task> Callback { get; }
}

public enum WaitType
{
    /// <summary>Until the dependency runs and is healthy (every replica of it).</summary>
    WaitUntilHealthy,

    /// <summary>Until the dependency has run to completion with the expected exit code.</summary>
    WaitForCompletion,

    /// <summary>Until the dependency's process has started.</summary>
    WaitUntilStarted,
}

public enum WaitBehavior
{
    /// <summary>Keep waiting while the dependency is down (it may come back).</summary>
    WaitOnResourceUnavailable,

    /// <summary>Fail the wait when the dependency fails to start or exits.</summary>
    StopOnResourceUnavailable,
}

/// <summary>The resource starts only once <see cref="Resource"/> has reached what <see cref="WaitType"/> says.</summary>
public sealed class WaitAnnotation(IResource resource, WaitType waitType, int exitCode = 0) : IResourceAnnotation
{
    public IResource Resource { get; } = resource;

    public WaitType WaitType { get; } = waitType;

    public int ExitCode { get; } = exitCode;

    public WaitBehavior? WaitBehavior { get; init; }
}

/// <summary>How many processes run the resource.</summary>
public sealed class ReplicaAnnotation(int replicas) : IResourceAnnotation
{
    public int Replicas { get; } = replicas;
}

/// <summary>The resource is healthy when the health check registered under <see cref="Key"/> says so.</summary>
public sealed class HealthCheckAnnotation(string key) : IResourceAnnotation
{
    public string Key { get; } = key;
}

/// <summary>A relationship shown in the dashboard's graph: "Reference", "WaitFor", "Parent".</summary>
public sealed class ResourceRelationshipAnnotation(IResource resource, string type) : IResourceAnnotation
{
    public IResource Resource { get; } = resource;

    public string Type { get; } = type;
}

/// <summary>Where the resource came from in the app model, for the dashboard (a project's path).</summary>
public sealed class ResourceSnapshotAnnotation(CustomResourceSnapshot initialSnapshot) : IResourceAnnotation
{
    public CustomResourceSnapshot InitialSnapshot { get; } = initialSnapshot;
}

/// <summary>
/// An HTTP GET each replica answers with <see cref="StatusCode"/> when healthy. Probed on every replica's own
/// port (Aspire probes through the proxy, so one healthy replica hides an unhealthy one).
/// </summary>
internal sealed class HttpHealthProbeAnnotation(string endpointName, string path, int statusCode) : IResourceAnnotation
{
    public string EndpointName { get; } = endpointName;

    public string Path { get; } = path;

    public int StatusCode { get; } = statusCode;
}

/// <summary>Text written to the process's standard input, which is then closed: for what must not show in its arguments.</summary>
internal sealed class StandardInputAnnotation(Func<string> text) : IResourceAnnotation
{
    public Func<string> Text { get; } = text;
}

/// <summary>The resource is not run here: its connection string names one that runs elsewhere.</summary>
internal sealed class ExternalResourceAnnotation : IResourceAnnotation;
