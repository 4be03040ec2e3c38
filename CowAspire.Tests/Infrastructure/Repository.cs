namespace CowAspire.Tests.Infrastructure;

public static class Repository
{
    /// <summary>The repository's root: the AppHost project's parent directory, as its build recorded it.</summary>
    public static string Root { get; } = Path.GetDirectoryName(Projects.CowAspire_AppHost.ProjectPath)!;
}
