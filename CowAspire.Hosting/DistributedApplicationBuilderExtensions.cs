using System.Diagnostics.CodeAnalysis;
using Aspire.Hosting.ApplicationModel;

namespace Aspire.Hosting;

public static class DistributedApplicationBuilderExtensions
{
    /// <summary>A builder for a resource already in the model, to change it (in a test, say).</summary>
    public static IResourceBuilder<T> CreateResourceBuilder<T>(this IDistributedApplicationBuilder builder, string name) where T : IResource =>
        builder.TryCreateResourceBuilder<T>(name, out var resourceBuilder)
            ? resourceBuilder
            : throw new InvalidOperationException($"Resource '{name}' of type '{typeof(T)}' not found.");

    public static bool TryCreateResourceBuilder<T>(this IDistributedApplicationBuilder builder, string name, [NotNullWhen(true)] out IResourceBuilder<T>? resourceBuilder)
        where T : IResource
    {
        ArgumentNullException.ThrowIfNull(builder);
        var resource = builder.Resources.OfType<T>().SingleOrDefault(r => string.Equals(r.Name, name, StringComparison.OrdinalIgnoreCase));
        resourceBuilder = resource is null ? null : builder.CreateResourceBuilder(resource);
        return resourceBuilder is not null;
    }
}
