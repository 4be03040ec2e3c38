using CowAspire.AppHost.Hosting;

namespace CowAspire.AppHost.Orchestration;

/// <summary>The declared resources, in an order where every resource comes after what it waits for.</summary>
public sealed class AppModel
{
    public AppModel(IReadOnlyList<Resource> resources, DistributedApplicationOptions options)
    {
        Options = options;
        StartOrder = TopologicalOrder(resources);
    }

    public DistributedApplicationOptions Options { get; }

    public IReadOnlyList<Resource> StartOrder { get; }

    private static List<Resource> TopologicalOrder(IReadOnlyList<Resource> resources)
    {
        var order = new List<Resource>();
        var visiting = new HashSet<Resource>();
        void Visit(Resource resource)
        {
            if (order.Contains(resource))
            {
                return;
            }
            if (!visiting.Add(resource))
            {
                throw new InvalidOperationException($"The app model has a WaitFor cycle through '{resource.Name}'.");
            }
            foreach (var dependency in resource.WaitsFor)
            {
                if (!resources.Contains(dependency))
                {
                    throw new InvalidOperationException($"'{resource.Name}' waits for '{dependency.Name}', which is not in the app model.");
                }
                Visit(dependency);
            }
            visiting.Remove(resource);
            order.Add(resource);
        }
        foreach (var resource in resources)
        {
            Visit(resource);
        }
        return order;
    }
}
