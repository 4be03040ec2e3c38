using System.Security.Cryptography;

namespace CowAspire.AppHost.Hosting;

public static class RedisBuilderExtensions
{
    /// <summary>
    /// Adds a real <c>redis-server</c>: loopback only, a generated password, append-only persistence with an fsync per
    /// write (so quote ids never go backwards across a Redis restart), data in a directory of this run outside the repo.
    /// Configuration <c>Redis:ConnectionString</c> names an existing Redis instead; <c>Redis:Command</c> another binary.
    /// </summary>
    public static IResourceBuilder<RedisResource> AddRedis(this DistributedApplicationBuilder builder, string name, int? port = null)
    {
        ArgumentNullException.ThrowIfNull(builder);
        var command = builder.Configuration["Redis:Command"] ?? "redis-server";
        var dataDirectory = Path.Combine(builder.RunDirectory, name);
        var password = Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(24));
        var redis = new RedisResource(name, command, dataDirectory, password)
        {
            ExternalConnectionString = builder.Configuration["Redis:ConnectionString"],
        };
        redis.Endpoints.Add(new EndpointAnnotation("tcp", "tcp", port, isProxied: false));
        // The password goes in on standard input ("-" reads configuration from it), not in argv for ps to show.
        redis.StandardInput = () => $"requirepass {redis.Password}\n";
        redis.Args.Add(() =>
        [
            "-",
            "--port", redis.GetEndpoint("tcp").Port!.Value.ToString(System.Globalization.CultureInfo.InvariantCulture),
            "--bind", "127.0.0.1",
            "--protected-mode", "yes",
            "--dir", dataDirectory,
            "--appendonly", "yes",
            "--appendfsync", "always",
            "--save", "",
            "--daemonize", "no",
            "--loglevel", "notice",
            // Redis acts on SIGTERM at its next cron tick: 50 a second instead of 10 stops it in ~20 ms, not ~100.
            "--hz", "50",
        ]);
        return builder.AddResource(redis);
    }
}
