using System.Security.Cryptography.X509Certificates;

namespace CowAspire.Bench;

/// <summary>The ASP.NET Core development certificate(s) of this user, which the Web replicas and the floor serve.</summary>
public static class DevCertificate
{
    /// <summary>The extension that marks ASP.NET Core's HTTPS development certificate.</summary>
    private const string AspNetHttpsOid = "1.3.6.1.4.1.311.84.1.1";

    private static readonly Lazy<HashSet<string>> Hashes = new(() =>
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        return [.. store.Certificates
            .Where(c => c.Extensions.Any(e => e.Oid?.Value == AspNetHttpsOid))
            .Select(c => c.GetCertHashString())];
    });

    public static bool Is(X509Certificate certificate) => Hashes.Value.Contains(certificate.GetCertHashString());
}
