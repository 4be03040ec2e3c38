using System.Text.Json;
using System.Text.Json.Nodes;
using CowAspire.Tests.Infrastructure;

namespace CowAspire.Tests.Publishing;

/// <summary>
/// <c>--publisher manifest</c> writes the app model in Aspire's deployment-manifest format (schema aspire-8.0), and the
/// copy committed under deploy/ is what the model writes today.
/// </summary>
public class ManifestTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManifestDescribesRedisAsAContainerAndTheProjectsWithBindingsAndPlaceholders()
    {
        var manifest = await PublishAsync();
        var resources = manifest["resources"]!.AsObject();

        Assert.Equal(["redis", "redis-password", "api", "web"], resources.Select(r => r.Key));
        foreach (var (name, resource) in resources)
        {
            AssertMatchesSchema(name, resource!.AsObject());
        }

        var redis = resources["redis"]!;
        Assert.Equal("container.v0", (string?)redis["type"]);
        Assert.Equal("{redis.bindings.tcp.host}:{redis.bindings.tcp.port},password={redis-password.value}", (string?)redis["connectionString"]);
        Assert.Equal(6379, (int?)redis["bindings"]!["tcp"]!["targetPort"]);
        Assert.Equal("parameter.v0", (string?)resources["redis-password"]!["type"]);
        Assert.True((bool?)resources["redis-password"]!["inputs"]!["value"]!["secret"]);

        var api = resources["api"]!;
        Assert.Equal("project.v0", (string?)api["type"]);
        Assert.Equal("../CowAspire.Api/CowAspire.Api.csproj", (string?)api["path"]);
        Assert.Equal("{redis.connectionString}", (string?)api["env"]!["ConnectionStrings__redis"]);

        var web = resources["web"]!;
        Assert.Equal("../CowAspire.Web/CowAspire.Web.csproj", (string?)web["path"]);
        Assert.Equal("{api.bindings.http.url}", (string?)web["env"]!["services__api__http__0"]);
        Assert.Equal("{redis.connectionString}", (string?)web["env"]!["ConnectionStrings__redis"]);
        Assert.True((bool?)web["bindings"]!["https"]!["external"]);
        Assert.Equal("http2", (string?)web["bindings"]!["h2c"]!["transport"]);
        Assert.Equal("Http2", (string?)web["env"]!["Kestrel__Endpoints__h2c__Protocols"]);
    }

    [Fact]
    public async Task CommittedManifestIsWhatTheModelWritesToday()
    {
        var manifest = await PublishAsync();
        var committed = JsonNode.Parse(await File.ReadAllTextAsync(Path.Combine(Repository.Root, "deploy", "aspire-manifest.json"), Cancellation))!;

        Assert.True(JsonNode.DeepEquals(committed, manifest),
            "deploy/aspire-manifest.json is out of date: run 'dotnet run --project CowAspire.AppHost -- --publisher manifest --output-path ../deploy/aspire-manifest.json'.");
    }

    /// <summary>The rules of Aspire's aspire-8.0 schema for the resource types this app writes.</summary>
    private static void AssertMatchesSchema(string name, JsonObject resource)
    {
        var type = (string?)resource["type"];
        var allowed = type switch
        {
            "container.v0" => (string[])["type", "image", "entrypoint", "args", "env", "bindings", "connectionString", "bindMounts", "volumes"],
            "project.v0" => ["type", "path", "args", "env", "bindings"],
            "parameter.v0" => ["type", "value", "connectionString", "inputs"],
            _ => throw new Xunit.Sdk.XunitException($"{name}: type '{type}' is not one this app should write."),
        };
        Assert.All(resource.Select(p => p.Key), key => Assert.Contains(key, allowed));
        string[] required = type switch
        {
            "container.v0" => ["type", "image"],
            "project.v0" => ["type", "path"],
            _ => ["type", "value", "inputs"],
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
                Assert.Contains((string?)binding!["scheme"], (string?[])["http", "https", "tcp", "udp"]);
                Assert.Contains((string?)binding["protocol"], (string?[])["tcp", "udp"]);
                Assert.Contains((string?)binding["transport"], (string?[])["http", "http2", "tcp", "udp"]);
                Assert.All(binding.AsObject().Select(p => p.Key), key => Assert.Contains(key, (string[])["scheme", "protocol", "transport", "port", "targetPort", "external"]));
                Assert.False(string.IsNullOrEmpty(bindingName));
            }
        }
    }

    private static async Task<JsonNode> PublishAsync()
    {
        // Written beside the committed copy, so that project paths come out relative to the same place.
        var path = Path.Combine(Repository.Root, "deploy", $"manifest-{Guid.NewGuid():N}.json");
        try
        {
            await using (var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.CowAspire_AppHost>(
                ["--publisher", "manifest", "--output-path", path], Cancellation))
            {
                await using var app = await appHost.BuildAsync(Cancellation);
                await app.RunAsync(Cancellation);
            }
            return JsonNode.Parse(await File.ReadAllTextAsync(path, Cancellation))!;
        }
        finally
        {
            File.Delete(path);
        }
    }
}
