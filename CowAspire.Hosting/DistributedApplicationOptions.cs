namespace Aspire.Hosting;

/// <summary>How the AppHost is created: its arguments, its assembly, whether the dashboard runs.</summary>
public sealed class DistributedApplicationOptions
{
    public string[]? Args { get; set; }

    /// <summary>The AppHost's assembly (the entry assembly when null), where the build wrote its project's metadata.</summary>
    public string? AssemblyName { get; set; }

    /// <summary>The AppHost project's directory: its content root, where appsettings.json is read.</summary>
    public string? ProjectDirectory { get; set; }

    public bool DisableDashboard { get; set; }

    /// <summary>Resources' console output also goes to the AppHost's <c>ILogger</c>s (category <c>{AppHost}.Resources.{name}</c>), as in tests.</summary>
    public bool EnableResourceLogging { get; set; }

    public bool AllowUnsecuredTransport { get; set; }

    public string? DashboardApplicationName { get; set; }
}

public enum DistributedApplicationOperation
{
    Run,
    Publish,
}

/// <summary>Whether the AppHost runs the app or publishes it (a manifest, Kubernetes files).</summary>
public class DistributedApplicationExecutionContext
{
    public DistributedApplicationExecutionContext(DistributedApplicationOperation operation) : this(operation, "manifest")
    {
    }

    public DistributedApplicationExecutionContext(DistributedApplicationOperation operation, string publisherName)
    {
        Operation = operation;
        PublisherName = publisherName;
    }

    public DistributedApplicationOperation Operation { get; }

    public string PublisherName { get; set; }

    public bool IsRunMode => Operation == DistributedApplicationOperation.Run;

    public bool IsPublishMode => Operation == DistributedApplicationOperation.Publish;

    public IServiceProvider ServiceProvider { get; internal set; } = null!;
}

/// <summary>The app model or the orchestrator cannot go on: a bad declaration, a resource that failed to start.</summary>
public class DistributedApplicationException : Exception
{
    public DistributedApplicationException()
    {
    }

    public DistributedApplicationException(string message) : base(message)
    {
    }

    public DistributedApplicationException(string message, Exception inner) : base(message, inner)
    {
    }
}
