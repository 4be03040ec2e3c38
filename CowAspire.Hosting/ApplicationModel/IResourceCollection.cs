using System.Collections.ObjectModel;

namespace Aspire.Hosting.ApplicationModel;

public interface IResourceCollection : IList<IResource>;

internal sealed class ResourceCollection : Collection<IResource>, IResourceCollection;

/// <summary>The resources of a built app, in the order they were declared.</summary>
public class DistributedApplicationModel(IResourceCollection resources)
{
    public IResourceCollection Resources { get; } = resources;
}
