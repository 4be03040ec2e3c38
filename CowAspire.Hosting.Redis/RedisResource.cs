namespace Aspire.Hosting.ApplicationModel;

/// <summary>
/// A Redis server: a real <c>redis-server</c> process on a loopback port, password protected (Aspire runs a container;
/// no container engine runs here, and none is needed). Its primary endpoint is named <c>tcp</c>, as Aspire's.
/// </summary>
public class RedisResource(string name, string command, string dataDirectory)
    : ExecutableResource(name, command, dataDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    public EndpointReference PrimaryEndpoint => new(this, PrimaryEndpointName);

    /// <summary>Where its data (the append-only file) lives: a directory of this run, outside the repository.</summary>
    public string DataDirectory => WorkingDirectory;

    internal string Password { get; init; } = "";

    /// <summary>Set when configuration names a Redis that runs elsewhere (<c>Redis:ConnectionString</c>): none is started.</summary>
    internal string? ExternalConnectionString { get; init; }

    /// <summary>With Sentinel (<c>Redis:Sentinel:Enabled</c>), where the Sentinels listen: clients connect through them.</summary>
    internal IReadOnlyList<EndpointReference>? Sentinels { get; set; }

    public ReferenceExpression ConnectionStringExpression => (ExternalConnectionString, Sentinels) switch
    {
        ({ } external, _) => ReferenceExpression.Create($"{external}"),
        (null, [var first, var second, var third]) => ReferenceExpression.Create(
            $"{first.Property(EndpointProperty.HostAndPort)},{second.Property(EndpointProperty.HostAndPort)},{third.Property(EndpointProperty.HostAndPort)},serviceName={RedisSentinel.MasterName},password={Password}"),
        _ => ReferenceExpression.Create($"{PrimaryEndpoint.Property(EndpointProperty.HostAndPort)},password={Password}"),
    };

    public ValueTask<string?> GetConnectionStringAsync(CancellationToken cancellationToken = default) =>
        ConnectionStringExpression.GetValueAsync(cancellationToken);
}
