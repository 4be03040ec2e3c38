namespace CowAspire.AppHost.Lifecycle;

/// <summary>Marks a resource whose processes the AppHost starts again when they die unasked (DCP leaves them exited).</summary>
internal sealed class RestartOnCrashAnnotation : IResourceAnnotation;
