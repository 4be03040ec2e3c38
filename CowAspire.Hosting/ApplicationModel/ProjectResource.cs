namespace Aspire.Hosting.ApplicationModel;

/// <summary>A .NET project of the solution, run from the AppHost's build of it.</summary>
public class ProjectResource(string name)
    : Resource(name), IResourceWithEnvironment, IResourceWithArgs, IResourceWithServiceDiscovery, IResourceWithWaitSupport
{
}
