using System.Security.Cryptography;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CowAspire.Dashboard;

/// <summary>Plugs the dashboard into the AppHost (the AppHost's build names this type when it references the project).</summary>
internal sealed class DashboardRegistration : IDashboardRegistration
{
    public const int DefaultPort = 18888;

    public void Register(HostApplicationBuilder host)
    {
        var randomPorts = string.Equals(host.Configuration["DcpPublisher:RandomizePorts"], "true", StringComparison.OrdinalIgnoreCase);
        var port = host.Configuration.GetValue<int?>("Dashboard:Port") ?? (randomPorts ? 0 : DefaultPort);
        var token = host.Configuration["Dashboard:Token"] is { Length: > 0 } configured
            ? configured
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));
        host.Services.AddSingleton(new DashboardInfo(token));
        host.Services.AddHostedService(s => new DashboardHost(s, port));
    }
}
