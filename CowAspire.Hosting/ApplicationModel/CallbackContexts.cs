using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Abstractions;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>What an environment callback sees: the resource, the variables so far and the run's context.</summary>
public class EnvironmentCallbackContext(
    DistributedApplicationExecutionContext executionContext, IResource resource,
    Dictionary<string, object>? environmentVariables = null, CancellationToken cancellationToken = default)
{
    public EnvironmentCallbackContext(
        DistributedApplicationExecutionContext executionContext, Dictionary<string, object>? environmentVariables = null,
        CancellationToken cancellationToken = default)
        : this(executionContext, null!, environmentVariables, cancellationToken)
    {
    }

    public DistributedApplicationExecutionContext ExecutionContext { get; } = executionContext;

    public IResource Resource { get; } = resource;

    /// <summary>Values are strings or <see cref="IValueProvider"/>s (endpoints, connection strings) resolved at start.</summary>
    public Dictionary<string, object> EnvironmentVariables { get; } = environmentVariables ?? [];

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public ILogger Logger { get; set; } = NullLogger.Instance;
}

/// <summary>What an arguments callback sees.</summary>
public sealed class CommandLineArgsCallbackContext(IList<object> args, CancellationToken cancellationToken = default)
{
    /// <summary>Strings or <see cref="IValueProvider"/>s, resolved at start.</summary>
    public IList<object> Args { get; } = args;

    public CancellationToken CancellationToken { get; } = cancellationToken;

    public DistributedApplicationExecutionContext ExecutionContext { get; init; } = new(DistributedApplicationOperation.Run);

    public ILogger Logger { get; set; } = NullLogger.Instance;

    public IResource Resource { get; init; } = null!;
}
