using CowAspire.ServiceDefaults.Limits;
using CowAspire.Web.Limits;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.HttpOverrides;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;

namespace CowAspire.Tests.Unit;

/// <summary>
/// The services as Aspire publishes them (<c>ASPNETCORE_FORWARDEDHEADERS_ENABLED=true</c>) through ASP.NET Core's own
/// forwarded-headers middleware and options: a rotating <c>X-Forwarded-For</c> from a peer outside the configured
/// networks changes nothing, and the per-address stream cap holds it as the one address it is.
/// </summary>
public class ForwardedHeadersTrustTests
{
    private static readonly IPAddress s_untrustedPeer = IPAddress.Parse("203.0.113.9");
    private static readonly IPAddress s_ingress = IPAddress.Parse("10.244.3.17");

    [Fact]
    public async Task RotatingForwardedForFromAnUntrustedPeerIsCappedAsThatOnePeer()
    {
        var forwarded = await ForwardedHeadersAsync([]);
        var admission = new StreamAdmission(Options.Create(new WebLimitOptions { MaxStreamsPerAddress = 3 }));

        var keys = new List<string>();
        var admitted = new List<IDisposable>();
        for (var i = 1; i <= 10; i++)
        {
            var key = await ClientKeyAsync(forwarded, s_untrustedPeer, $"198.51.100.{i}");
            keys.Add(key);
            if (admission.TryAdmit(key, out _) is { } lease)
            {
                admitted.Add(lease);
            }
        }

        Assert.All(keys, k => Assert.Equal("203.0.113.9", k));
        Assert.Equal(3, admitted.Count);
        admitted.ForEach(l => l.Dispose());
    }

    [Fact]
    public async Task ForwardedForFromAConfiguredNetworkIsTheClientAddress()
    {
        var forwarded = await ForwardedHeadersAsync(["10.244.0.0/16"]);

        Assert.Equal("198.51.100.7", await ClientKeyAsync(forwarded, s_ingress, "198.51.100.7"));
        Assert.Equal("203.0.113.9", await ClientKeyAsync(forwarded, s_untrustedPeer, "198.51.100.7"));
        // ASP.NET Core's default stays: a proxy on the pod's own loopback (a mesh sidecar) is believed.
        Assert.Equal("198.51.100.8", await ClientKeyAsync(forwarded, IPAddress.Loopback, "198.51.100.8"));
    }

    [Fact]
    public void ANetworkThatDoesNotParseStopsTheStart()
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration["ForwardedHeaders:KnownNetworks:0"] = "10.244.0.0/33";
        builder.AddForwardedHeadersTrust();
        using var app = builder.Build();

        var error = Assert.Throws<OptionsValidationException>(() => app.Services.GetRequiredService<IOptions<ForwardedHeadersTrustOptions>>().Value);
        Assert.Contains("10.244.0.0/33", error.Message, StringComparison.Ordinal);
    }

    /// <summary>The middleware with the options a published service resolves: Aspire's variable set, the given networks trusted.</summary>
    private static async Task<ForwardedHeadersMiddleware> ForwardedHeadersAsync(string[] knownNetworks)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions { EnvironmentName = Environments.Production });
        builder.Configuration["ForwardedHeaders_Enabled"] = "true";
        for (var i = 0; i < knownNetworks.Length; i++)
        {
            builder.Configuration[$"ForwardedHeaders:KnownNetworks:{i}"] = knownNetworks[i];
        }
        builder.AddForwardedHeadersTrust();
        await using var app = builder.Build();
        var options = app.Services.GetRequiredService<IOptions<ForwardedHeadersOptions>>();
        Assert.True(options.Value.ForwardedHeaders.HasFlag(ForwardedHeaders.XForwardedFor), "the forwarded headers are on, as Aspire publishes the services");
        return new ForwardedHeadersMiddleware(_ => Task.CompletedTask, NullLoggerFactory.Instance, options);
    }

    private static async Task<string> ClientKeyAsync(ForwardedHeadersMiddleware middleware, IPAddress peer, string forwardedFor)
    {
        var context = new DefaultHttpContext();
        context.Connection.RemoteIpAddress = peer;
        context.Request.Headers["X-Forwarded-For"] = forwardedFor;
        await middleware.Invoke(context);
        return ClientAddress.Key(context);
    }
}
