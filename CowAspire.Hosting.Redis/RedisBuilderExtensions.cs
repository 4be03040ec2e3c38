using System.Globalization;
using System.Security.Cryptography;
using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Aspire.Hosting;

public static class RedisBuilderExtensions
{
    /// <summary>
    /// Adds a real <c>redis-server</c>: loopback only, a generated password, append-only persistence with an fsync per
    /// write (so quote ids never go backwards across a Redis restart), data in a directory of this run outside the repo,
    /// healthy when it answers PING. Configuration <c>Redis:ConnectionString</c> names an existing Redis instead;
    /// <c>Redis:Command</c> another binary.
    /// </summary>
    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name, int? port)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var command = builder.Configuration["Redis:Command"] ?? "redis-server";
        var run = builder.Services.Select(s => s.ImplementationInstance).OfType<AppHostRun>().Single();
        var redis = new RedisResource(name, command, Path.Combine(run.Directory, name))
        {
            Password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24)),
            ExternalConnectionString = builder.Configuration["Redis:ConnectionString"] is { Length: > 0 } external ? external : null,
        };
        var resource = builder.AddResource(redis)
            .WithEndpoint(port: port, targetPort: null, scheme: "tcp", name: RedisResource.PrimaryEndpointName, isProxied: false);
        resource.WithAnnotation(new CommandHelpAnnotation("install Redis (apt-get install redis-server), or name another binary with Redis:Command"));
        if (redis.ExternalConnectionString is not null)
        {
            resource.WithAnnotation(new ExternalResourceAnnotation());
        }

        // Its own health is a PING of this server, whichever way clients reach it (directly, or through Sentinel).
        resource.WithRedisHealthCheck(() => $"127.0.0.1:{redis.PrimaryEndpoint.Port},password={redis.Password}", sentinel: false);

        if (builder.ExecutionContext.IsPublishMode)
        {
            var password = builder.AddResource(new PasswordParameterResource($"{name}-password"));
            resource.WithManifestPublishingCallback(context => WriteContainer(context, redis, password.Resource));
        }

        // The password goes in on standard input ("-" reads configuration from it), not in argv for ps to show. The primary
        // also knows it as masterauth, so that if Sentinel makes it a replica after a failover it can follow.
        resource.WithAnnotation(new StandardInputAnnotation(() => $"requirepass {redis.Password}\nmasterauth {redis.Password}\n"));
        resource.WithArgs(context => AddServerArgs(context, redis.PrimaryEndpoint, redis.DataDirectory));
        if (builder.ExecutionContext.IsRunMode && redis.ExternalConnectionString is null && builder.Configuration.GetValue<bool>("Redis:Sentinel:Enabled"))
        {
            RedisSentinel.Add(builder, resource);
        }
        return resource;
    }

    /// <summary>A health check for the resource: PING over a connection made on first use and kept for the app's life.</summary>
    internal static IResourceBuilder<T> WithRedisHealthCheck<T>(this IResourceBuilder<T> resource, Func<string> connectionString, bool sentinel)
        where T : IResource
    {
        var key = $"{resource.Resource.Name}_check";
        var services = resource.ApplicationBuilder.Services;
        services.AddKeyedSingleton(key, (_, _) => new RedisHealthCheck(connectionString, sentinel));
        services.AddHealthChecks().Add(new HealthCheckRegistration(key, s => s.GetRequiredKeyedService<RedisHealthCheck>(key), failureStatus: null, tags: null));
        return resource.WithHealthCheck(key);
    }

    /// <summary>A redis-server on loopback with append-only persistence and an fsync per write, its data in <paramref name="directory"/>.</summary>
    internal static void AddServerArgs(CommandLineArgsCallbackContext context, EndpointReference endpoint, string directory)
    {
        context.Args.Add("-");
        foreach (var arg in (string[])[
            "--port", endpoint.Port.ToString(CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--dir", directory,
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", "",
            // A replica is synced at once rather than after the default 5 s wait for others to share the transfer.
            "--repl-diskless-sync-delay", "0",
            "--daemonize", "no",
            "--loglevel", "notice",
            // Redis acts on SIGTERM at its next cron tick: 50 a second instead of 10 stops it in ~20 ms, not ~100.
            "--hz", "50"])
        {
            context.Args.Add(arg);
        }
    }

    /// <summary>
    /// In the deployment manifest Redis is what Aspire makes it, a container (where it is deployed a container engine
    /// runs it), with this app's persistence settings: an append-only file with an fsync per write.
    /// </summary>
    private static void WriteContainer(Publishing.ManifestPublishingContext context, RedisResource redis, PasswordParameterResource password)
    {
        var writer = context.Writer;
        writer.WriteString("type", "container.v0");
        writer.WriteString("connectionString", $"{{{redis.Name}.bindings.tcp.host}}:{{{redis.Name}.bindings.tcp.port}},password={{{password.Name}.value}}");
        writer.WriteString("image", RedisContainerImage);
        writer.WriteString("entrypoint", "/bin/sh");
        writer.WriteStartArray("args");
        writer.WriteStringValue("-c");
        writer.WriteStringValue("redis-server --requirepass $REDIS_PASSWORD --appendonly yes --appendfsync always --save ''");
        writer.WriteEndArray();
        writer.WriteStartObject("env");
        writer.WriteString("REDIS_PASSWORD", $"{{{password.Name}.value}}");
        writer.WriteEndObject();
        writer.WriteStartObject("bindings");
        writer.WriteStartObject("tcp");
        writer.WriteString("scheme", "tcp");
        writer.WriteString("protocol", "tcp");
        writer.WriteString("transport", "tcp");
        writer.WriteNumber("targetPort", 6379);
        writer.WriteEndObject();
        writer.WriteEndObject();
    }

    /// <summary>The image a deployment runs, the same major version as Debian's redis-server here.</summary>
    internal const string RedisContainerImage = "docker.io/library/redis:7.0";

    public static IResourceBuilder<RedisResource> AddRedis(this IDistributedApplicationBuilder builder, string name) =>
        builder.AddRedis(name, port: null);
}
