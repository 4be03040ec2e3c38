namespace CowAspire.Hosting.Orchestration;

/// <summary>Names of the properties in each instance's snapshot (Aspire's where Aspire has one).</summary>
internal static class SnapshotProperties
{
    public const string Pid = "executable.pid";
    public const string ProjectPath = "project.path";
    public const string ReplicaIndex = "resource.replicaIndex";
    public const string Restarts = "resource.restartCount";
    public const string Message = "resource.stateMessage";
}
