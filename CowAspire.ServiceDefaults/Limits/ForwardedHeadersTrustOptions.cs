using System.Net;
using Microsoft.Extensions.Options;

namespace CowAspire.ServiceDefaults.Limits;

/// <summary>
/// The <c>ForwardedHeaders</c> configuration section: the peers whose <c>X-Forwarded-For</c>/<c>-Proto</c> are believed.
/// Empty (the default) trusts loopback alone, ASP.NET Core's own default; Kubernetes sets the ingress's network.
/// </summary>
public sealed class ForwardedHeadersTrustOptions
{
    public const string SectionName = "ForwardedHeaders";

    /// <summary>Networks in CIDR notation (<c>10.244.0.0/16</c>) whose peers are trusted proxies.</summary>
    public IList<string> KnownNetworks { get; } = [];

    /// <summary>Single addresses of trusted proxies.</summary>
    public IList<string> KnownProxies { get; } = [];
}
