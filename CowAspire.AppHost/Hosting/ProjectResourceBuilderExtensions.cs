namespace CowAspire.AppHost.Hosting;

public static class ProjectResourceBuilderExtensions
{
    /// <summary>Adds a project of the solution, run from its build output (the AppHost's build builds it).</summary>
    public static IResourceBuilder<ProjectResource> AddProject<TProject>(this DistributedApplicationBuilder builder, string name)
        where TProject : IProjectMetadata, new()
    {
        ArgumentNullException.ThrowIfNull(builder);
        return builder.AddResource(new ProjectResource(name, new TProject()));
    }
}
