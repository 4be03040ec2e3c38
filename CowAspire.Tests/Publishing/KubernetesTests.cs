using CowAspire.Tests.Infrastructure;
using k8s;
using k8s.Models;

namespace CowAspire.Tests.Publishing;

/// <summary>
/// <c>--publisher kubernetes</c> writes plain Kubernetes manifests from the same model: they parse back as Kubernetes
/// objects, web runs at the model's replica count with probes and an ingress fit for SSE, Redis keeps its data, and
/// the copy committed under deploy/k8s is what the model writes today.
/// </summary>
public class KubernetesTests
{
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task ManifestsParseAsKubernetesObjectsWithWebAtItsReplicaCountAndProbesSet()
    {
        var files = await PublishAsync();

        var web = KubernetesYaml.LoadAllFromString(files["web.yaml"]);
        var deployment = Assert.Single(web.OfType<V1Deployment>());
        Assert.Equal(2, deployment.Spec.Replicas);
        var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
        Assert.Equal("/health", container.StartupProbe.HttpGet.Path);
        Assert.Equal("/alive", container.ReadinessProbe.HttpGet.Path);
        Assert.Equal("/alive", container.LivenessProbe.HttpGet.Path);
        Assert.Equal(["h2c", "http"], container.Ports.Select(p => p.Name).Order());
        var variables = container.Env.Select(e => e.Name).ToList();
        Assert.True(variables.IndexOf("REDIS_PASSWORD") < variables.IndexOf("ConnectionStrings__redis"), "the password must come before the variable that refers to it");
        Assert.Equal("redis:6379,password=$(REDIS_PASSWORD)", container.Env.Single(e => e.Name == "ConnectionStrings__redis").Value);
        Assert.Equal("http://api:8080", container.Env.Single(e => e.Name == "services__api__http__0").Value);
        Assert.Equal(30, deployment.Spec.Template.Spec.TerminationGracePeriodSeconds);
        Assert.Equal("kubernetes.io/h2c", Assert.Single(web.OfType<V1Service>()).Spec.Ports.Single(p => p.Name == "h2c").AppProtocol);
        var ingress = Assert.Single(web.OfType<V1Ingress>());
        Assert.Equal("off", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-buffering"]);
        Assert.Equal("3600", ingress.Metadata.Annotations["nginx.ingress.kubernetes.io/proxy-read-timeout"]);
        Assert.Equal(1, Assert.Single(web.OfType<V1PodDisruptionBudget>()).Spec.MinAvailable?.Value is { } min ? int.Parse(min, System.Globalization.CultureInfo.InvariantCulture) : 0);

        var api = KubernetesYaml.LoadAllFromString(files["api.yaml"]);
        Assert.Equal(1, Assert.Single(api.OfType<V1Deployment>()).Spec.Replicas);
        Assert.Empty(api.OfType<V1PodDisruptionBudget>());

        var redis = KubernetesYaml.LoadAllFromString(files["redis.yaml"]);
        var statefulSet = Assert.Single(redis.OfType<V1StatefulSet>());
        Assert.Equal("data", Assert.Single(statefulSet.Spec.VolumeClaimTemplates).Metadata.Name);
        Assert.Contains("appendfsync always", Assert.Single(redis.OfType<V1ConfigMap>()).Data["redis.conf"]);
        Assert.Equal(6379, Assert.Single(redis.OfType<V1Service>()).Spec.Ports.Single().Port);

        Assert.Equal(["api.yaml", "network-policies.yaml", "redis.yaml", "web.yaml"], files.Keys.Where(k => k != "kustomization.yaml").Order());
        Assert.All(files.Where(f => f.Key != "kustomization.yaml"), f =>
            Assert.Equal(f.Value, string.Join("---\n", KubernetesYaml.LoadAllFromString(f.Value).Select(o => KubernetesYaml.Serialize(o).TrimEnd() + "\n"))));
    }

    [Fact]
    public async Task CommittedManifestsAreWhatTheModelWritesToday()
    {
        var files = await PublishAsync();
        var committed = Directory.GetFiles(Path.Combine(Repository.Root, "deploy", "k8s"), "*.yaml").ToDictionary(f => Path.GetFileName(f), File.ReadAllText);

        Assert.Equal(files.Keys.Order(), committed.Keys.Order());
        Assert.All(files, f => Assert.True(committed[f.Key] == f.Value,
            $"deploy/k8s/{f.Key} is out of date: run 'dotnet run --project CowAspire.AppHost -- --publisher kubernetes --output-path ../deploy/k8s'."));
    }

    /// <param name="args">More of the AppHost's arguments (configuration: <c>--Kubernetes:ImageTag 1.2.3</c>).</param>
    internal static async Task<Dictionary<string, string>> PublishAsync(params string[] args)
    {
        var output = Directory.CreateTempSubdirectory("cowaspire-k8s-");
        try
        {
            await AppHostPublishing.PublishAsync(["--publisher", "kubernetes", "--output-path", output.FullName, .. args], "publish-k8s", Cancellation);
            return output.GetFiles().ToDictionary(f => f.Name, f => File.ReadAllText(f.FullName));
        }
        finally
        {
            output.Delete(recursive: true);
        }
    }
}
