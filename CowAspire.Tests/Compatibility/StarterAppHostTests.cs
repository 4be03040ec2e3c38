namespace CowAspire.Tests.Compatibility;

/// <summary>
/// Aspire's starter AppHost, compiled against the in-house libraries, declares the model Aspire would: endpoints
/// read from each project (launchSettings.json, Kestrel configuration), references and waits as annotations.
/// </summary>
public class StarterAppHostTests
{
    [Fact]
    public async Task StarterAppHostDeclaresTheModelAspireWould()
    {
        await using var appHost = await DistributedApplicationTestingBuilder.CreateAsync<Projects.StarterAppHost>(TestContext.Current.CancellationToken);

        Assert.Equal(["redis", "api", "web"], appHost.Resources.Select(r => r.Name));
        var api = Assert.IsType<ProjectResource>(appHost.Resources.Single(r => r.Name == "api"));
        var web = Assert.IsType<ProjectResource>(appHost.Resources.Single(r => r.Name == "web"));
        Assert.Equal(5080, Assert.Single(api.Annotations.OfType<EndpointAnnotation>(), e => e.Name == "http").Port);
        Assert.Equal(
            [("h2c", "http", "http2"), ("http", "http", "http"), ("https", "https", "http")],
            web.Annotations.OfType<EndpointAnnotation>().Select(e => (e.Name, e.UriScheme, e.Transport)).Order());
        Assert.All(web.Annotations.OfType<EndpointAnnotation>(), e => Assert.True(e.IsExternal));
        Assert.Equal(["redis", "api"], web.Annotations.OfType<WaitAnnotation>().Select(w => w.Resource.Name));
        Assert.IsType<RedisResource>(appHost.Resources.Single(r => r.Name == "redis"));
    }
}
