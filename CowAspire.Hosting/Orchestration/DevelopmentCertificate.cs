using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CowAspire.Hosting.Orchestration;

/// <summary>ASP.NET Core's development certificate, which <c>dotnet dev-certs https</c> makes and the services serve.</summary>
internal static class DevelopmentCertificate
{
    private const string AspNetHttpsOid = "1.3.6.1.4.1.311.84.1.1";

    /// <summary>Trusts what validates, and the development certificate (and nothing else that does not).</summary>
    public static bool Validate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.None
        || certificate is X509Certificate2 { Extensions: var extensions } && extensions.Any(e => e.Oid?.Value == AspNetHttpsOid);
}
