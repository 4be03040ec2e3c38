using System.Text.Json;
using System.Text.Json.Nodes;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Publishing;

/// <summary>
/// <c>--publisher manifest</c> is Aspire's own manifest publisher (its <c>publish-manifest</c> pipeline step): it writes
/// the AppHost's publish-mode model (Redis as Aspire's container, not the redis-server executable of run mode), and
/// the copy committed under deploy/ is what the model writes today.
/// </summary>
public class ManifestTests
{
    private const string RegenerateCommand = "dotnet run --project CowAspire.AppHost -- --publisher manifest --output-path ../deploy/aspire-manifest.json";

    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    private static string DeployDirectory => Path.Combine(Repository.Root, "deploy");

    [Fact]
    public async Task ManifestDescribesRedisAsAContainerAndTheProjectsWithBindingsAndPlaceholders()
    {
        var (manifest, model) = await PublishAsync();
        var resources = manifest["resources"]!.AsObject();

        foreach (var (name, resource) in resources)
        {
            AssertMatchesSchema(name, resource!.AsObject());
        }
        // Aspire's pieces of Redis's connection string and URI: the password, URI-encoded, and ",ssl=true" when TLS is on.
        var tls = Assert.Single(resources, r => r.Key.StartsWith("cond-redis-bindings-tcp-tlsenabled-", StringComparison.Ordinal)).Key;
        Assert.Equal(["redis", "api", "web", "redis-password", "redis-password-uri-encoded", tls], resources.Select(r => r.Key));

        var redis = resources["redis"]!;
        Assert.Equal("container.v0", (string?)redis["type"]);
        Assert.StartsWith("docker.io/library/redis:", (string?)redis["image"], StringComparison.Ordinal);
        Assert.Equal($"{{redis.bindings.tcp.host}}:{{redis.bindings.tcp.port}},password={{redis-password.value}}{{{tls}.connectionString}}", (string?)redis["connectionString"]);
        Assert.Equal("{redis-password.value}", (string?)redis["env"]!["REDIS_PASSWORD"]);
        Assert.Equal("tcp", (string?)redis["bindings"]!["tcp"]!["protocol"]);
        Assert.Equal(6379, (int?)redis["bindings"]!["tcp"]!["targetPort"]);
        Assert.Equal("", (string?)resources[tls]!["connectionString"]);

        var password = resources["redis-password"]!;
        Assert.Equal("parameter.v0", (string?)password["type"]);
        Assert.Equal("{redis-password.inputs.value}", (string?)password["value"]);
        Assert.True((bool?)password["inputs"]!["value"]!["secret"]);
        // Generated where it is deployed, letters and digits only: URI-safe, as REDIS_URI needs it in the Kubernetes output.
        Assert.False((bool?)password["inputs"]!["value"]!["default"]!["generate"]!["special"]);
        Assert.Equal("uri", (string?)resources["redis-password-uri-encoded"]!["filter"]);

        var api = resources["api"]!;
        Assert.Equal("project.v0", (string?)api["type"]);
        Assert.Equal("../CowAspire.Api/CowAspire.Api.csproj", (string?)api["path"]);
        Assert.Equal("{redis.connectionString}", (string?)api["env"]!["ConnectionStrings__redis"]);
        Assert.Equal("{redis-password.value}", (string?)api["env"]!["REDIS_PASSWORD"]);
        Assert.Equal("{api.bindings.http.targetPort}", (string?)api["env"]!["HTTP_PORTS"]);
        Assert.Equal(["http", "https"], api["bindings"]!.AsObject().Select(b => b.Key));
        Assert.All(api["bindings"]!.AsObject(), b => Assert.Null(b.Value!["external"]));

        var web = resources["web"]!;
        Assert.Equal("project.v0", (string?)web["type"]);
        Assert.Equal("../CowAspire.Web/CowAspire.Web.csproj", (string?)web["path"]);
        Assert.Equal("{api.bindings.http.url}", (string?)web["env"]!["services__api__http__0"]);
        Assert.Equal("{api.bindings.https.url}", (string?)web["env"]!["services__api__https__0"]);
        Assert.Equal("{redis.connectionString}", (string?)web["env"]!["ConnectionStrings__redis"]);
        // Web's endpoints are its Kestrel settings: Aspire sets their target ports and overrides each Url in the environment.
        Assert.Equal(["h2c", "http", "https"], web["bindings"]!.AsObject().Select(b => b.Key));
        Assert.All(web["bindings"]!.AsObject(), b => Assert.True((bool?)b.Value!["external"], $"web's {b.Key} endpoint is external"));
        Assert.Equal("http2", (string?)web["bindings"]!["h2c"]!["transport"]);
        Assert.Equal(5201, (int?)web["bindings"]!["h2c"]!["targetPort"]);
        Assert.Equal(5200, (int?)web["bindings"]!["http"]!["targetPort"]);
        Assert.Equal("http://*:{web.bindings.h2c.targetPort}", (string?)web["env"]!["Kestrel__Endpoints__h2c__Url"]);

        // The manifest has no place for a replica count (the Kubernetes output has it): the model it was written from says 2.
        Assert.Null(web["replicas"]);
        Assert.Equal(2, model.Resources.Single(r => r.Name == "web").GetReplicaCount());
    }

    [Fact]
    public async Task RedisContainerRunsWithAnAppendOnlyFileFsyncedOnEveryWrite()
    {
        var (manifest, _) = await PublishAsync();
        var redis = manifest["resources"]!["redis"]!;

        // Aspire runs Redis as `/bin/sh -c "<script>"`: the server's options must be in the script, since sh hands any
        // argument after it to the script as $0, $1… and redis-server never sees them.
        Assert.Equal("/bin/sh", (string?)redis["entrypoint"]);
        var args = redis["args"]!.AsArray().Select(a => (string?)a).ToList();
        Assert.Equal("-c", args[0]);
        Assert.Contains("--appendonly yes", args[1], StringComparison.Ordinal);
        Assert.Contains("--appendfsync always", args[1], StringComparison.Ordinal);
    }

    [Fact]
    public async Task CommittedManifestIsWhatTheModelWritesToday()
    {
        var (manifest, _) = await PublishAsync();
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(DeployDirectory, "aspire-manifest.json"), Cancellation))!;

        var stale = committed["resources"]!.AsObject().Select(r => r.Key).Union(manifest["resources"]!.AsObject().Select(r => r.Key))
            .Where(name => !JsonNode.DeepEquals(committed["resources"]![name], manifest["resources"]![name]))
            .ToList();
        Assert.True(stale.Count == 0 && JsonNode.DeepEquals(committed, manifest),
            $"deploy/aspire-manifest.json is out of date ({string.Join(", ", stale)}): run '{RegenerateCommand}'.");
        // The same order too (DeepEquals ignores the order of properties): the file is what the command writes.
        Assert.Equal(Indented(committed), Indented(manifest));
    }

    /// <summary>The rules of Aspire's manifest schema for the resource types this app writes.</summary>
    private static void AssertMatchesSchema(string name, JsonObject resource)
    {
        var type = (string?)resource["type"];
        var allowed = type switch
        {
            "container.v0" => (string[])["type", "image", "entrypoint", "args", "env", "bindings", "connectionString", "bindMounts", "volumes"],
            "project.v0" => ["type", "path", "args", "env", "bindings"],
            "project.v1" => ["type", "path", "args", "env", "bindings", "deployment"],
            "parameter.v0" => ["type", "value", "connectionString", "inputs"],
            "annotated.string" => ["type", "value", "filter"],
            "value.v0" => ["type", "value", "connectionString"],
            _ => throw new Xunit.Sdk.XunitException($"{name}: type '{type}' is not one this app should write."),
        };
        Assert.All(resource.Select(p => p.Key), key => Assert.Contains(key, allowed));
        string[] required = type switch
        {
            "container.v0" => ["type", "image"],
            "project.v0" or "project.v1" => ["type", "path"],
            "parameter.v0" => ["type", "value", "inputs"],
            "annotated.string" => ["type", "value", "filter"],
            _ => ["type"],
        };
        Assert.All(required, key => Assert.True(resource.ContainsKey(key), $"{name} lacks '{key}'"));
        if (resource["env"] is JsonObject env)
        {
            Assert.All(env, variable => Assert.Equal(JsonValueKind.String, variable.Value!.GetValueKind()));
        }
        if (resource["bindings"] is JsonObject bindings)
        {
            foreach (var (bindingName, binding) in bindings)
            {
                Assert.False(string.IsNullOrEmpty(bindingName));
                Assert.False(string.IsNullOrEmpty((string?)binding!["scheme"]), $"{name}.{bindingName} has no scheme");
                Assert.Contains((string?)binding["protocol"], (string?[])["tcp", "udp"]);
                Assert.Contains((string?)binding["transport"], (string?[])["http", "http2", "tcp", "udp"]);
                Assert.All(binding.AsObject().Select(p => p.Key), key => Assert.Contains(key, (string[])["scheme", "protocol", "transport", "port", "targetPort", "external"]));
            }
        }
    }

    /// <summary>
    /// Publishes with Aspire's manifest publisher into a directory of the test's own; the projects' paths, relative to
    /// the file written, are made relative to deploy/ (where the committed copy is) as the command writes them there.
    /// </summary>
    private static async Task<(JsonNode Manifest, DistributedApplicationModel Model)> PublishAsync()
    {
        var output = Directory.CreateTempSubdirectory("cowaspire-manifest-");
        try
        {
            var path = Path.Combine(output.FullName, "aspire-manifest.json");
            var model = await AppHostPublishing.PublishAsync(["--publisher", "manifest", "--output-path", path], "publish-manifest", Cancellation);
            var manifest = JsonNode.Parse(await File.ReadAllTextAsync(path, Cancellation))!;
            foreach (var (_, resource) in manifest["resources"]!.AsObject())
            {
                if (resource!["path"] is JsonValue relative)
                {
                    var absolute = Path.GetFullPath(Path.Combine(output.FullName, (string)relative!));
                    resource["path"] = Path.GetRelativePath(DeployDirectory, absolute).Replace('\\', '/');
                }
            }
            return (manifest, model);
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }

    private static string Indented(JsonNode node) => node.ToJsonString(new JsonSerializerOptions { WriteIndented = true });
}
