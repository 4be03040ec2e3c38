using System.Collections.ObjectModel;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>A named part of the app model, described by its annotations.</summary>
public interface IResource
{
    string Name { get; }

    ResourceAnnotationCollection Annotations { get; }
}

/// <summary>A piece of information attached to a resource: an endpoint, an environment callback, a wait.</summary>
public interface IResourceAnnotation;

public sealed class ResourceAnnotationCollection : Collection<IResourceAnnotation>;

public enum ResourceAnnotationMutationBehavior
{
    Append,
    Replace,
}

/// <summary>A resource that reads environment variables.</summary>
public interface IResourceWithEnvironment : IResource;

/// <summary>A resource started with command-line arguments.</summary>
public interface IResourceWithArgs : IResource;

/// <summary>A resource with network endpoints.</summary>
public interface IResourceWithEndpoints : IResource;

/// <summary>A resource that can wait for others before it starts.</summary>
public interface IResourceWithWaitSupport : IResource;

/// <summary>A resource that others find through .NET service discovery (<c>services__{name}__{scheme}__0</c>).</summary>
public interface IResourceWithServiceDiscovery : IResourceWithEndpoints;

/// <summary>A resource with a parent (a replica set, a database in a server).</summary>
public interface IResourceWithParent : IResource
{
    IResource Parent { get; }
}
