using Aspire.Hosting.Publishing;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>Writes the resource's entry of the deployment manifest itself (a Redis as a container, say).</summary>
public sealed class ManifestPublishingCallbackAnnotation(Func<ManifestPublishingContext, Task>? callback) : IResourceAnnotation
{
    public ManifestPublishingCallbackAnnotation(Action<ManifestPublishingContext>? callback)
        : this(callback is null ? null : context =>
        {
            callback(context);
            return Task.CompletedTask;
        })
    {
    }

    /// <summary>Null leaves the resource out of the manifest.</summary>
    public Func<ManifestPublishingContext, Task>? Callback { get; } = callback;

    public static ManifestPublishingCallbackAnnotation Ignore { get; } = new((Func<ManifestPublishingContext, Task>?)null);
}
