using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Options;

namespace CowAspire.ServiceDefaults.Limits;

public static class ForwardedHeadersTrustExtensions
{
    /// <summary>
    /// Believes forwarded headers from the configured proxies only. Aspire publishes every project with
    /// <c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>, and ASP.NET Core then clears its known networks and proxies:
    /// any peer's <c>X-Forwarded-For</c> became the client address, so a rotating header escaped every per-address limit.
    /// This runs after that (a post-configure), so the header is on or off as configured and the trust is ours.
    /// </summary>
    public static IHostApplicationBuilder AddForwardedHeadersTrust(this IHostApplicationBuilder builder)
    {
        ArgumentNullException.ThrowIfNull(builder);
        builder.Services.AddOptions<ForwardedHeadersTrustOptions>()
            .BindConfiguration(ForwardedHeadersTrustOptions.SectionName)
            .ValidateOnStart();
        builder.Services.AddSingleton<IValidateOptions<ForwardedHeadersTrustOptions>, ForwardedHeadersTrustValidation>();
        builder.Services.AddOptions<ForwardedHeadersOptions>()
            .PostConfigure<IOptions<ForwardedHeadersTrustOptions>>((options, trust) =>
            {
                options.KnownIPNetworks.Clear();
                options.KnownProxies.Clear();
                options.KnownIPNetworks.Add(IPNetwork.Parse("127.0.0.0/8"));
                options.KnownProxies.Add(IPAddress.IPv6Loopback);
                foreach (var network in trust.Value.KnownNetworks)
                {
                    options.KnownIPNetworks.Add(IPNetwork.Parse(network));
                }
                foreach (var proxy in trust.Value.KnownProxies)
                {
                    options.KnownProxies.Add(IPAddress.Parse(proxy));
                }
            });
        return builder;
    }
}
