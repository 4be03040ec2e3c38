using System.Security.Cryptography;
using CowAspire.Dashboard.Telemetry;
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
        host.Services.AddHostedService(s => new DashboardHost(s, port, TelemetrySettings(host.Configuration, randomPorts)));
    }

    /// <summary>
    /// The dashboard reads only its own keys (its configuration is not the AppHost's): the telemetry limits and the
    /// OTLP endpoint, on free ports when every port is random (tests), with a fresh API key unless one is configured.
    /// </summary>
    private static Dictionary<string, string?> TelemetrySettings(ConfigurationManager configuration, bool randomPorts)
    {
        var settings = configuration.GetSection(OtlpOptions.Section).AsEnumerable()
            .Concat(configuration.GetSection(TelemetryLimitsOptions.Section).AsEnumerable())
            .Where(setting => setting.Value is not null)
            .ToDictionary(setting => setting.Key, setting => setting.Value);
        if (randomPorts)
        {
            settings.TryAdd($"{OtlpOptions.Section}:{nameof(OtlpOptions.GrpcPort)}", "0");
            settings.TryAdd($"{OtlpOptions.Section}:{nameof(OtlpOptions.HttpPort)}", "0");
        }
        settings.TryAdd($"{OtlpOptions.Section}:{nameof(OtlpOptions.ApiKey)}", Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16)));
        return settings;
    }
}
