using System.Net.Sockets;

namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A network endpoint of a resource. <see cref="Port"/> is where clients connect; when <see cref="IsProxied"/>, that
/// is a front door spreading connections over the replicas, each listening on a target port of its own.
/// </summary>
public sealed class EndpointAnnotation : IResourceAnnotation
{
    private string? _transport;

    public EndpointAnnotation(
        ProtocolType protocol, string? uriScheme = null, string? transport = null, string? name = null, int? port = null,
        int? targetPort = null, bool? isExternal = null, bool isProxied = true)
    {
        uriScheme ??= protocol.ToString().ToLowerInvariant();
        name ??= uriScheme;
        ResourceNames.Validate(name);
        Protocol = protocol;
        UriScheme = uriScheme;
        _transport = transport;
        Name = name;
        Port = port;
        TargetPort = targetPort;
        IsExternal = isExternal ?? false;
        IsProxied = isProxied;
    }

    public string Name { get; set; }

    public ProtocolType Protocol { get; set; }

    /// <summary>http, https or tcp.</summary>
    public string UriScheme { get; set; }

    /// <summary>"http" for HTTP/1.1 and HTTP/2, "http2" for HTTP/2 only (h2c on a plain endpoint), else the protocol.</summary>
    public string Transport
    {
        get => _transport ?? (UriScheme is "http" or "https" ? "http" : Protocol.ToString().ToLowerInvariant());
        set => _transport = value;
    }

    /// <summary>The port clients use (a free one when null).</summary>
    public int? Port { get; set; }

    /// <summary>The port the process listens on, when fixed.</summary>
    public int? TargetPort { get; set; }

    public string TargetHost { get; set; } = "localhost";

    /// <summary>Meant for people and for the outside world (<c>WithExternalHttpEndpoints</c>).</summary>
    public bool IsExternal { get; set; }

    public bool IsProxied { get; set; }

    /// <summary>Where the endpoint listens once the app runs: set when ports are allocated.</summary>
    public AllocatedEndpoint? AllocatedEndpoint { get; set; }

    internal bool FromLaunchProfile { get; set; }

    /// <summary>Its port was set by <c>Ports:{resource}:{endpoint}</c>: kept even when ports are randomized.</summary>
    internal bool Pinned { get; set; }
}

/// <summary>The address an endpoint was given when the app started.</summary>
public sealed class AllocatedEndpoint(EndpointAnnotation endpoint, string address, int port)
{
    public EndpointAnnotation Endpoint { get; } = endpoint;

    public string Address { get; } = address;

    public int Port { get; } = port;

    public string UriScheme => Endpoint.UriScheme;

    /// <summary><c>host:port</c>.</summary>
    public string EndPointString => $"{Address}:{Port}";

    public string UriString => $"{UriScheme}://{EndPointString}";

    public override string ToString() => UriString;
}
