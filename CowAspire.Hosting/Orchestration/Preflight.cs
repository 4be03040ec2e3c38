using System.Security.Cryptography.X509Certificates;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;

namespace CowAspire.Hosting.Orchestration;

/// <summary>
/// What can be known to fail before anything starts: a command that is not there, an HTTPS endpoint without the
/// development certificate. Each is one line that names the cause and the fix, instead of a crash loop whose cause
/// is buried in a replica's output.
/// </summary>
internal static class Preflight
{
    private const string AspNetHttpsOid = "1.3.6.1.4.1.311.84.1.1";

    public static void Check(IEnumerable<IResource> resources)
    {
        foreach (var resource in resources.Where(r => !r.Annotations.OfType<ExternalResourceAnnotation>().Any()))
        {
            if (resource is ExecutableResource executable)
            {
                var command = resource.TryGetLastAnnotation<ExecutableCommandAnnotation>(out var replaced) ? replaced.Command : executable.Command;
                if (!CommandExists(command))
                {
                    var help = resource.TryGetLastAnnotation<CommandHelpAnnotation>(out var h) ? h.Help : "install it, or change the app model";
                    throw new DistributedApplicationException($"{resource.Name}: the command '{command}' was not found; {help}.");
                }
            }
            if (resource is ProjectResource && resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.UriScheme == "https") && !HasDevelopmentCertificate())
            {
                throw new DistributedApplicationException(
                    $"{resource.Name} serves HTTPS with the ASP.NET Core development certificate, and this user has none: run 'dotnet dev-certs https'.");
            }
        }
    }

    private static bool CommandExists(string command)
    {
        if (command.Contains('/', StringComparison.Ordinal))
        {
            return File.Exists(command);
        }
        return (Environment.GetEnvironmentVariable("PATH") ?? "")
            .Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
            .Any(directory => File.Exists(Path.Combine(directory, command)));
    }

    private static bool HasDevelopmentCertificate()
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // No certificate store for this user at all: no certificate either.
            return false;
        }
        var now = DateTime.Now;
        var found = false;
        foreach (var certificate in store.Certificates)
        {
            found |= certificate.Extensions.Any(e => e.Oid?.Value == AspNetHttpsOid) && certificate.NotBefore <= now && now < certificate.NotAfter && certificate.HasPrivateKey;
            certificate.Dispose();
        }
        return found;
    }
}

/// <summary>What to tell the user when the resource's command is missing (how to install it, which setting names another).</summary>
internal sealed class CommandHelpAnnotation(string help) : IResourceAnnotation
{
    public string Help { get; } = help;
}
