using System.Diagnostics;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>The base of every resource: a validated name and its annotations.</summary>
[DebuggerDisplay("Type = {GetType().Name,nq}, Name = {Name}")]
public abstract class Resource : IResource
{
    protected Resource(string name)
    {
        ResourceNames.Validate(name);
        Name = name;
    }

    public virtual string Name { get; }

    public virtual ResourceAnnotationCollection Annotations { get; } = [];

    public override string ToString() => Name;
}
