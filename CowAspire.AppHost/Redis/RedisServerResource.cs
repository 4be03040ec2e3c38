namespace CowAspire.AppHost.Redis;

/// <summary>
/// Debian's <c>redis-server</c> run by DCP as an executable (Aspire's <c>RedisResource</c> is a container, and no
/// container engine runs on our machines). It is a connection string resource like Aspire's, so
/// <c>WithReference(redis)</c> gives services the same <c>ConnectionStrings__redis</c>.
/// </summary>
public sealed class RedisServerResource(string name, string command, string workingDirectory, ParameterResource password)
    : ExecutableResource(name, command, workingDirectory), IResourceWithConnectionString
{
    internal const string PrimaryEndpointName = "tcp";

    private EndpointReference? _primaryEndpoint;

    public EndpointReference PrimaryEndpoint => _primaryEndpoint ??= new(this, PrimaryEndpointName);

    public ParameterResource PasswordParameter { get; } = password;

    /// <summary>Which port the primary listens on, when it is not this server (after a Sentinel failover).</summary>
    internal Func<CancellationToken, Task<int?>> FindPrimaryPort { get; set; } = _ => Task.FromResult<int?>(null);

    /// <summary>With Sentinel (<c>Redis:Sentinel:Enabled</c>), where the Sentinels listen: clients connect through them.</summary>
    internal IReadOnlyList<EndpointReference>? Sentinels { get; set; }

    public ReferenceExpression ConnectionStringExpression => Sentinels switch
    {
        [var first, var second, var third] => ReferenceExpression.Create(
            $"{HostAndPort(first)},{HostAndPort(second)},{HostAndPort(third)},serviceName={RedisSentinel.MasterName},password={PasswordParameter}"),
        _ => ReferenceExpression.Create($"{HostAndPort(PrimaryEndpoint)},password={PasswordParameter}"),
    };

    /// <summary>The address the node binds (Aspire would say <c>localhost</c>, which may resolve to ::1 first).</summary>
    private static ReferenceExpression HostAndPort(EndpointReference endpoint) => ReferenceExpression.Create($"127.0.0.1:{endpoint.Property(EndpointProperty.Port)}");
}
