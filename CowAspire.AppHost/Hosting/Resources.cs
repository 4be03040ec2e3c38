namespace CowAspire.AppHost.Hosting;

/// <summary>A named part of the app model that the orchestrator runs as one or more processes.</summary>
public abstract class Resource(string name)
{
    public string Name { get; } = name;

    /// <summary>"Project", "Executable", "Redis": what the dashboard shows as the type.</summary>
    public abstract string Type { get; }

    public int Replicas { get; internal set; } = 1;

    public List<EndpointAnnotation> Endpoints { get; } = [];

    /// <summary>Variables for the process, computed when it starts (ports and references are known by then).</summary>
    public List<Action<EnvironmentContext>> Environment { get; } = [];

    public List<Resource> WaitsFor { get; } = [];

    public HealthCheckAnnotation? HealthCheck { get; internal set; }

    /// <summary>Listed on the ready line and meant for people, as Aspire's <c>WithExternalHttpEndpoints</c>.</summary>
    public bool HasExternalEndpoints { get; internal set; }

    public EndpointAnnotation GetEndpoint(string name) =>
        Endpoints.Find(e => e.Name == name)
        ?? throw new InvalidOperationException($"Resource '{Name}' has no endpoint named '{name}'.");

    public override string ToString() => Name;
}

/// <summary>A resource that other resources reach through a connection string (Aspire's <c>IResourceWithConnectionString</c>).</summary>
public interface IResourceWithConnectionString
{
    string ConnectionString { get; }
}

/// <summary>A resource run as an executable: a file name, arguments and a working directory.</summary>
public class ExecutableResource(string name, string command, string workingDirectory) : Resource(name)
{
    public override string Type => "Executable";

    public string Command { get; } = command;

    public string WorkingDirectory { get; } = workingDirectory;

    /// <summary>Arguments, computed when the process starts.</summary>
    public List<Func<IEnumerable<string>>> Args { get; } = [];

    /// <summary>Written to the process's standard input, which is then closed: for what must not show in its arguments.</summary>
    public Func<string>? StandardInput { get; set; }
}

/// <summary>A .NET project of the solution, run from its build output.</summary>
public sealed class ProjectResource(string name, IProjectMetadata project) : Resource(name)
{
    public override string Type => "Project";

    public IProjectMetadata Project { get; } = project;
}

/// <summary>A real <c>redis-server</c> on a loopback port, password protected.</summary>
public sealed class RedisResource(string name, string command, string dataDirectory, string password)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    public override string Type => "Redis";

    public string Password { get; } = password;

    public string DataDirectory { get; } = dataDirectory;

    /// <summary>Set when the model names an existing Redis instead of starting one.</summary>
    public string? ExternalConnectionString { get; internal set; }

    public string ConnectionString =>
        ExternalConnectionString ?? $"{GetEndpoint("tcp").Host}:{GetEndpoint("tcp").Port},password={Password}";
}

/// <summary>Typed handle to a project of the solution (Aspire's <c>IProjectMetadata</c>).</summary>
public interface IProjectMetadata
{
    string ProjectPath { get; }
}

/// <summary>A network endpoint of a resource.</summary>
public sealed class EndpointAnnotation(string name, string scheme, int? port, bool isProxied, string? protocols = null)
{
    public string Name { get; } = name;

    /// <summary>http, https or tcp.</summary>
    public string Scheme { get; } = scheme;

    /// <summary>The port clients use: the front door's when proxied. Null (a free port) until allocated.</summary>
    public int? Port { get; internal set; } = port;

    /// <summary>
    /// Clients go through a front door that spreads connections across healthy replicas; each replica
    /// listens on a port of its own.
    /// </summary>
    public bool IsProxied { get; } = isProxied;

    /// <summary>Kestrel's protocols for the endpoint (its default, Http1AndHttp2, when null; Http2 for h2c).</summary>
    public string? Protocols { get; } = protocols;

    public string Host { get; } = "127.0.0.1";

    public string Url => $"{Scheme}://{Host}:{Port}";
}

public sealed record HealthCheckAnnotation(string Path, string EndpointName);

/// <summary>What a resource's environment callbacks see: the replica being started and its own ports.</summary>
public sealed class EnvironmentContext(Resource resource, int replica, IReadOnlyDictionary<string, int> replicaPorts)
{
    public Resource Resource { get; } = resource;

    public int Replica { get; } = replica;

    /// <summary>The port this replica listens on, per endpoint name.</summary>
    public IReadOnlyDictionary<string, int> ReplicaPorts { get; } = replicaPorts;

    public Dictionary<string, string> Variables { get; } = [];
}
