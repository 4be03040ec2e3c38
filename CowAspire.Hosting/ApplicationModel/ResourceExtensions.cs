using System.Diagnostics.CodeAnalysis;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Reading a resource's annotations.</summary>
public static class ResourceExtensions
{
    public static bool TryGetLastAnnotation<T>(this IResource resource, [NotNullWhen(true)] out T? annotation) where T : IResourceAnnotation
    {
        ArgumentNullException.ThrowIfNull(resource);
        annotation = resource.Annotations.OfType<T>().LastOrDefault();
        return annotation is not null;
    }

    public static bool TryGetAnnotationsOfType<T>(this IResource resource, [NotNullWhen(true)] out IEnumerable<T>? result) where T : IResourceAnnotation
    {
        ArgumentNullException.ThrowIfNull(resource);
        var found = resource.Annotations.OfType<T>().ToArray();
        result = found.Length > 0 ? found : null;
        return result is not null;
    }

    public static bool TryGetEndpoints(this IResource resource, [NotNullWhen(true)] out IEnumerable<EndpointAnnotation>? endpoints) =>
        resource.TryGetAnnotationsOfType(out endpoints);

    /// <summary>Every endpoint of the resource, as references that resolve once ports are allocated.</summary>
    public static IEnumerable<EndpointReference> GetEndpoints(this IResourceWithEndpoints resource) =>
        resource.Annotations.OfType<EndpointAnnotation>().Select(e => new EndpointReference(resource, e));

    public static EndpointReference GetEndpoint(this IResourceWithEndpoints resource, string endpointName) =>
        new(resource, endpointName);

    /// <summary>The number of processes the resource runs as (<c>WithReplicas</c>), 1 by default.</summary>
    public static int GetReplicaCount(this IResource resource) =>
        resource.TryGetLastAnnotation<ReplicaAnnotation>(out var replicas) ? replicas.Replicas : 1;
}
