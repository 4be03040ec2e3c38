using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace CowAspire.Hosting.Orchestration;

/// <summary>The resources in an order where each comes after what it waits for: started in it, stopped in reverse.</summary>
internal static class StartOrder
{
    public static IReadOnlyList<IResource> Of(IEnumerable<IResource> resources)
    {
        var all = resources.ToList();
        var order = new List<IResource>();
        var visiting = new HashSet<IResource>();
        void Visit(IResource resource)
        {
            if (order.Contains(resource))
            {
                return;
            }
            if (!visiting.Add(resource))
            {
                throw new DistributedApplicationException($"The app model has a WaitFor cycle through '{resource.Name}'.");
            }
            foreach (var dependency in resource.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource))
            {
                if (!all.Contains(dependency))
                {
                    throw new DistributedApplicationException($"'{resource.Name}' waits for '{dependency.Name}', which is not in the app model.");
                }
                Visit(dependency);
            }
            visiting.Remove(resource);
            order.Add(resource);
        }
        all.ForEach(Visit);
        return order;
    }
}
