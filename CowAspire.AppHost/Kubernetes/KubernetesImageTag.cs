using System.Reflection;
using System.Text.RegularExpressions;

namespace CowAspire.AppHost.Kubernetes;

/// <summary>The projects' image tag as the build makes it: the version every project of the solution is built with.</summary>
internal static partial class KubernetesImageTag
{
    /// <summary>
    /// The AppHost's informational version up to its <c>+</c> (the SDK appends the commit after it, which no image tag
    /// carries and which would change the committed manifests with every commit).
    /// </summary>
    public static string OfBuild()
    {
        var version = typeof(KubernetesImageTag).Assembly.GetCustomAttribute<AssemblyInformationalVersionAttribute>()?.InformationalVersion
            ?? throw new DistributedApplicationException("The AppHost has no informational version to tag the images with: set Kubernetes:ImageTag.");
        return Validate(version.Split('+')[0]);
    }

    /// <summary>A tag a registry takes: up to 128 of letters, digits, '_', '.' and '-', not starting with '.' or '-'; and not <c>latest</c>.</summary>
    public static string Validate(string tag) =>
        TagPattern().IsMatch(tag) && !string.Equals(tag, "latest", StringComparison.OrdinalIgnoreCase)
            ? tag
            : throw new DistributedApplicationException($"'{tag}' is no image tag the manifests take: a version (letters, digits, '_', '.', '-'), never 'latest'.");

    [GeneratedRegex("^[A-Za-z0-9_][A-Za-z0-9_.-]{0,127}$")]
    private static partial Regex TagPattern();
}
