using System.Globalization;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace CowAspire.AppHost.Redis;

public static class RedisServerBuilderExtensions
{
    /// <summary>
    /// Redis for the app: Aspire's own <c>AddRedis</c> container when publishing (a container engine runs it where it
    /// is deployed) or when <c>Redis:Container=true</c> names a healthy container engine; otherwise Debian's
    /// <c>redis-server</c> as an executable (<see cref="AddRedisServer"/>), with Sentinel when <c>Redis:Sentinel:Enabled</c>.
    /// </summary>
    public static IResourceBuilder<IResourceWithConnectionString> AddCowAspireRedis(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        if (builder.ExecutionContext.IsPublishMode || builder.Configuration.GetValue<bool>("Redis:Container"))
        {
            var container = builder.AddRedis(name)
                // Ids must never go back across a restart: every write is in the append-only file before it is acknowledged.
                .WithArgs(context => AppendServerArgs(context, ["--appendonly", "yes", "--appendfsync", "always", .. MemoryArgs(builder)]));
            return builder.CreateResourceBuilder<IResourceWithConnectionString>(container.Resource);
        }
        var server = builder.AddRedisServer(name);
        if (builder.Configuration.GetValue<bool>("Redis:Sentinel:Enabled"))
        {
            server.WithSentinels();
        }
        return builder.CreateResourceBuilder<IResourceWithConnectionString>(server.Resource);
    }

    /// <summary>
    /// Adds to the arguments of Aspire's Redis container: in publish mode they are one <c>/bin/sh -c</c> script (so the
    /// password comes from the environment), which the flags must join, or the shell would take them as its own.
    /// </summary>
    private static void AppendServerArgs(CommandLineArgsCallbackContext context, string[] args)
    {
        if (context.Args is [.., "-c", string script])
        {
            context.Args[^1] = $"{script} {string.Join(' ', args)}";
            return;
        }
        foreach (var arg in args)
        {
            context.Args.Add(arg);
        }
    }

    /// <summary>
    /// Redis's memory is bounded (<c>Redis:MaxMemory</c>, <see cref="DefaultMaxMemory"/> unless set) and nothing is ever
    /// evicted: history, the counter and the epoch are what delivery rests on, and an idempotency key dropped early would
    /// let a retry publish twice. A full Redis refuses writes (the Api answers 503) and keeps serving reads; idempotency
    /// keys expire after their lifetime and free it.
    /// </summary>
    internal static string[] MemoryArgs(IDistributedApplicationBuilder builder) =>
        ["--maxmemory", builder.Configuration["Redis:MaxMemory"] ?? DefaultMaxMemory, "--maxmemory-policy", "noeviction"];

    /// <summary>Room for history and about 300,000 idempotency keys (~760 bytes each) besides.</summary>
    public const string DefaultMaxMemory = "256mb";

    /// <summary>
    /// Adds Debian's <c>redis-server</c> as an executable resource: loopback only, on a port DCP allocates, a generated
    /// password (in a configuration file only its user reads, never in argv), append-only persistence with an fsync per
    /// write (so quote ids never go back across a Redis restart), its data in a directory of this run; healthy when it
    /// answers PING. <c>Redis:Command</c> names another binary.
    /// </summary>
    public static IResourceBuilder<RedisServerResource> AddRedisServer(this IDistributedApplicationBuilder builder, string name)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var password = ParameterResourceBuilderExtensions.CreateDefaultPasswordParameter(builder, $"{name}-password", special: false);
        var command = builder.Configuration["Redis:Command"] ?? "redis-server";
        var redis = new RedisServerResource(name, command, RunDirectory.For(builder, name), password);
        return builder.AddResource(redis)
            .WithLoopbackPort(RedisServerResource.PrimaryEndpointName)
            .WithRedisServerArgs(redis.PrimaryEndpoint, ct => redis.FindPrimaryPort(ct))
            .WithRedisHealthCheck(redis.PrimaryEndpoint, sentinel: false)
            .WithAnnotation(new CommandHelpAnnotation("install Redis (apt-get install redis-server), or name another binary with Redis:Command"));
    }

    /// <summary>
    /// The server's arguments: its configuration file (the password, and whom to replicate) first, then what every node
    /// shares. The file is written when DCP resolves the arguments, that is at each start, so a node that restarts reads
    /// who is primary now.
    /// </summary>
    internal static IResourceBuilder<T> WithRedisServerArgs<T>(this IResourceBuilder<T> builder, EndpointReference endpoint, Func<CancellationToken, Task<int?>> replicaOf)
        where T : ExecutableResource
    {
        var redis = RedisOf(builder);
        return builder.WithArgs(async context =>
        {
            var password = await redis.PasswordParameter.GetValueAsync(context.CancellationToken);
            var primaryPort = await replicaOf(context.CancellationToken);
            var ownPort = endpoint.Port;
            var lines = new List<string> { $"requirepass {password}", $"masterauth {password}" };
            if (primaryPort is { } port && port != ownPort)
            {
                lines.Add($"replicaof 127.0.0.1 {port.ToString(CultureInfo.InvariantCulture)}");
            }
            context.Args.Add(RunDirectory.WritePrivateFile(builder.Resource.WorkingDirectory, "redis.conf", lines));
            foreach (var arg in (string[])[
                "--port", ownPort.ToString(CultureInfo.InvariantCulture),
                "--bind", "127.0.0.1",
                "--protected-mode", "yes",
                "--dir", builder.Resource.WorkingDirectory,
                "--appendonly", "yes",
                "--appendfsync", "always",
                "--save", "",
                // A replica is synced at once rather than after the default 5 s wait for others to share the transfer.
                "--repl-diskless-sync-delay", "0",
                "--daemonize", "no",
                // Redis acts on SIGTERM at its next cron tick: 50 a second instead of 10 stops it in ~20 ms, not ~100.
                "--hz", "50",
                .. MemoryArgs(builder.ApplicationBuilder)])
            {
                context.Args.Add(arg);
            }
        });
    }

    /// <summary>Healthy when the node answers PING on its own port (a Sentinel, through Sentinel's command set).</summary>
    internal static IResourceBuilder<T> WithRedisHealthCheck<T>(this IResourceBuilder<T> builder, EndpointReference endpoint, bool sentinel)
        where T : IResource
    {
        var redis = RedisOf(builder);
        var key = $"{builder.Resource.Name}_check";
        // One instance for the app's life: it keeps its connection between probes.
        var check = new RedisPingHealthCheck(endpoint, redis.PasswordParameter, sentinel);
        builder.ApplicationBuilder.Services.AddHealthChecks().Add(new HealthCheckRegistration(key, check, failureStatus: null, tags: null));
        return builder.WithHealthCheck(key);
    }

    /// <summary>
    /// A port of its own on loopback, found free when the model is built, without DCP's proxy in front. DCP allocates an
    /// executable's port only behind its proxy, and then the number exists only inside DCP (a template in the process's
    /// arguments), where neither the health check, nor the Sentinels' configuration, nor the fault tests can read it;
    /// and every pub/sub message would take one hop more.
    /// </summary>
    internal static IResourceBuilder<T> WithLoopbackPort<T>(this IResourceBuilder<T> builder, string endpointName) where T : IResourceWithEndpoints
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        var port = ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
        listener.Stop();
        return builder.WithEndpoint(name: endpointName, scheme: "tcp", port: port, targetPort: port, isProxied: false);
    }

    private static RedisServerResource RedisOf<T>(IResourceBuilder<T> builder) where T : IResource =>
        builder.Resource as RedisServerResource
        ?? builder.ApplicationBuilder.Resources.OfType<RedisServerResource>().Single();
}
