using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Microsoft.Extensions.Configuration;

namespace CowAspire.Hosting.Orchestration;

/// <summary><c>Ports:{resource}:{endpoint}=N</c> moves an endpoint to port N (0: any free port), as a user of run.sh needs.</summary>
internal static class PortOverrides
{
    public static void Apply(IEnumerable<IResource> resources, IConfiguration configuration)
    {
        foreach (var resource in resources)
        {
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>())
            {
                var key = $"Ports:{resource.Name}:{endpoint.Name}";
                if (configuration[key] is { } value)
                {
                    // Named explicitly, so it holds even when every other port is random (DcpPublisher:RandomizePorts).
                    endpoint.Pinned = true;
                    endpoint.Port = int.TryParse(value, out var port) && port is >= 0 and <= 65535
                        ? (port == 0 ? null : port)
                        : throw new DistributedApplicationException($"{key} must be a port number from 0 to 65535, not '{value}'.");
                }
            }
        }
    }
}
