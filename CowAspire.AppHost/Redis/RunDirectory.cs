using System.Runtime.CompilerServices;

namespace CowAspire.AppHost.Redis;

/// <summary>
/// Where a node keeps its data and configuration: a directory of this app under the temporary folder, outside the
/// repository, removed when the process exits. A new app is a new Redis (and so a new epoch for the quote ids); apps
/// built side by side in one process (tests) each have their own.
/// </summary>
internal static class RunDirectory
{
    private static readonly ConditionalWeakTable<IDistributedApplicationBuilder, string> s_roots = [];

    public static string For(IDistributedApplicationBuilder builder, string resourceName)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var root = s_roots.GetValue(builder, _ =>
        {
            var created = Directory.CreateTempSubdirectory("cowaspire-").FullName;
            AppDomain.CurrentDomain.ProcessExit += (_, _) => TryDelete(created);
            return created;
        });
        var directory = Path.Combine(root, resourceName);
        Directory.CreateDirectory(directory);
        return directory;
    }

    /// <summary>Writes <paramref name="lines"/> to a file only this user can read (it holds the password) and returns its path.</summary>
    public static string WritePrivateFile(string directory, string name, IEnumerable<string> lines)
    {
        Directory.CreateDirectory(directory);
        var path = Path.Combine(directory, name);
        var options = new FileStreamOptions { Mode = FileMode.Create, Access = FileAccess.Write };
        if (!OperatingSystem.IsWindows())
        {
            options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
        }
        using (var file = new FileStream(path, options))
        using (var writer = new StreamWriter(file))
        {
            foreach (var line in lines)
            {
                writer.Write(line);
                writer.Write('\n');
            }
        }
        return path;
    }

    private static void TryDelete(string root)
    {
        try
        {
            Directory.Delete(root, recursive: true);
        }
        catch (IOException)
        {
            // A node still writing as the AppHost exits: the temporary folder's own clean-up takes it.
        }
        catch (UnauthorizedAccessException)
        {
        }
    }
}
