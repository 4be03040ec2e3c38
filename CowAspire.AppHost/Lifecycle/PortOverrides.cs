using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// <c>Ports:{resource}:{endpoint}=N</c> (<c>./run.sh Ports:web:https=7300</c>) puts an endpoint DCP proxies on port N, or
/// with 0 on a free one. The fixed ports come from the services' own files (web's Kestrel endpoints in its
/// appsettings.json, api's launch profile), which Aspire reads and no configuration key of its own overrides.
/// </summary>
internal static class PortOverrides
{
    public static string Key(IResource resource, EndpointAnnotation endpoint) => $"Ports:{resource.Name}:{endpoint.Name}";

    /// <summary>Applies the overrides to the model before anything starts; a problem line for a value it cannot take.</summary>
    public static string? Apply(DistributedApplicationModel model, IConfiguration configuration)
    {
        foreach (var resource in model.Resources)
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                var key = Key(resource, endpoint);
                if (configuration[key] is not { } value)
                {
                    continue;
                }
                if (!int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) || port > 65535)
                {
                    return $"{key}={value} is not a port; give a number from 1 to 65535, or 0 for a free one.";
                }
                if (!endpoint.IsProxied)
                {
                    return $"{key}: {resource.Name} finds a free port of its own for {endpoint.Name}; it cannot be set.";
                }
                endpoint.Port = port == 0 ? null : port;
            }
        }
        return null;
    }
}
