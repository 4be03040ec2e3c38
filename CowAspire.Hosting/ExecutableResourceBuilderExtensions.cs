using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class ExecutableResourceBuilderExtensions
{
    /// <summary>Adds any program as a resource, started with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(
        this IDistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[]? args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var path = Path.GetFullPath(workingDirectory, builder.AppHostDirectory);
        var resource = builder.AddResource(new ExecutableResource(name, command, path));
        return args is { Length: > 0 } ? resource.WithArgs(args) : resource;
    }

    public static IResourceBuilder<T> WithCommand<T>(this IResourceBuilder<T> builder, string command) where T : ExecutableResource
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        return builder.WithAnnotation(new ExecutableCommandAnnotation(command), ResourceAnnotationMutationBehavior.Replace);
    }
}

/// <summary>Replaces an executable's command (<c>WithCommand</c>).</summary>
internal sealed class ExecutableCommandAnnotation(string command) : IResourceAnnotation
{
    public string Command { get; } = command;
}
