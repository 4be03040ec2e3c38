namespace CowAspire.AppHost.Hosting;

public static class ExecutableResourceBuilderExtensions
{
    /// <summary>Adds any program as a resource, started with <paramref name="args"/> in <paramref name="workingDirectory"/>.</summary>
    public static IResourceBuilder<ExecutableResource> AddExecutable(
        this DistributedApplicationBuilder builder, string name, string command, string workingDirectory, params string[] args)
    {
        ArgumentNullException.ThrowIfNull(builder);
        ArgumentException.ThrowIfNullOrWhiteSpace(command);
        var resource = new ExecutableResource(name, command, workingDirectory);
        resource.Args.Add(() => args);
        return builder.AddResource(resource);
    }
}
