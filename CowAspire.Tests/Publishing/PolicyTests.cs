using System.Reflection;
using k8s;
using k8s.Models;

namespace CowAspire.Tests.Publishing;

/// <summary>
/// What a platform team checks in every object <c>--publisher kubernetes</c> writes: how each container runs, what it
/// may use, which image it runs, and which connections the NetworkPolicies let through. Every pod template of every
/// workload is checked, and an object of a kind this test does not know fails it, so a new workload cannot slip past.
/// </summary>
public class PolicyTests
{
    private const string IngressController = "ingress-nginx/ingress-nginx";

    private static readonly string[] s_knownKinds = ["Service", "ConfigMap", "Deployment", "StatefulSet", "Ingress", "PodDisruptionBudget", "NetworkPolicy"];

    [Fact]
    public async Task EveryContainerRunsAsANumericNonRootUserWithAReadOnlyRootAndNothingItDoesNotNeed()
    {
        var pods = PodsOf(await ObjectsAsync());

        Assert.Equal(["api", "redis", "web"], pods.Keys.Order());
        Assert.All(pods, pod =>
        {
            var (name, (spec, claims)) = (pod.Key, pod.Value);
            Assert.True(spec.AutomountServiceAccountToken == false, $"{name}: automountServiceAccountToken must be false");
            Assert.True(spec.HostNetwork != true && spec.HostPID != true && spec.HostIPC != true, $"{name}: shares a host namespace");
            var owned = claims.Count > 0 || spec.Volumes?.Any(v => v.Secret is not null || v.PersistentVolumeClaim is not null) == true;
            Assert.True(!owned || spec.SecurityContext?.FsGroup is > 0, $"{name}: a pod with a claim or a Secret volume needs an fsGroup");
            foreach (var container in (spec.InitContainers ?? []).Concat(spec.Containers))
            {
                var where = $"{name}/{container.Name}";
                var own = container.SecurityContext;
                var shared = spec.SecurityContext;
                Assert.True(container.SecurityContext is not null, $"{where}: no securityContext");
                Assert.True((own.RunAsNonRoot ?? shared?.RunAsNonRoot) == true, $"{where}: runAsNonRoot must be true");
                Assert.True((own.RunAsUser ?? shared?.RunAsUser) is > 0, $"{where}: runAsUser must be a numeric non-root user");
                Assert.True((own.RunAsGroup ?? shared?.RunAsGroup) is > 0, $"{where}: runAsGroup must be a numeric non-root group");
                Assert.True(own.ReadOnlyRootFilesystem == true, $"{where}: readOnlyRootFilesystem must be true");
                Assert.True(own.AllowPrivilegeEscalation == false, $"{where}: allowPrivilegeEscalation must be false");
                Assert.True(own.Privileged != true, $"{where}: privileged");
                Assert.True(own.Capabilities?.Drop?.Contains("ALL") == true, $"{where}: capabilities must drop ALL");
                Assert.True(own.Capabilities.Add is null or { Count: 0 }, $"{where}: adds capabilities");
                Assert.True((own.SeccompProfile ?? shared?.SeccompProfile)?.Type == "RuntimeDefault", $"{where}: seccompProfile must be RuntimeDefault");
                AssertRequestsWithinLimits(where, container.Resources);
                Assert.All(container.VolumeMounts ?? [], m => Assert.True(spec.Volumes?.Any(v => v.Name == m.Name) == true || claims.Contains(m.Name), $"{where}: mounts '{m.Name}', which the pod does not have"));
            }
        });
    }

    [Fact]
    public async Task ProjectsWriteOnlyToAnEmptyTmpAndRunTheBuildsImageTag()
    {
        var objects = await ObjectsAsync();
        var tag = typeof(CowAspire.AppHost.Kubernetes.KubernetesManifestsResource).Assembly
            .GetCustomAttribute<AssemblyInformationalVersionAttribute>()!.InformationalVersion.Split('+')[0];

        foreach (var deployment in objects.OfType<V1Deployment>())
        {
            var container = Assert.Single(deployment.Spec.Template.Spec.Containers);
            Assert.Equal($"cowaspire-{deployment.Metadata.Name}:{tag}", container.Image);
            var tmp = Assert.Single(container.VolumeMounts);
            Assert.Equal("/tmp", tmp.MountPath);
            Assert.NotNull(Assert.Single(deployment.Spec.Template.Spec.Volumes, v => v.Name == tmp.Name).EmptyDir);
        }
        Assert.All(PodsOf(objects).Values.SelectMany(p => p.Spec.Containers.Concat(p.Spec.InitContainers ?? [])), c =>
            Assert.True(c.Image.Split('/')[^1].Split(':') is [_, var t] && t != "latest", $"{c.Name}: image '{c.Image}' has no tag, or 'latest'"));

        var retagged = KubernetesYaml.LoadAllFromString((await KubernetesTests.PublishAsync("--Kubernetes:ImageTag", "2.7.1-rc.3"))["web.yaml"]);
        Assert.Equal("cowaspire-web:2.7.1-rc.3", Assert.Single(Assert.Single(retagged.OfType<V1Deployment>()).Spec.Template.Spec.Containers).Image);
    }

    [Fact]
    public async Task RedisRunsAsTheRedisUserWithItsPasswordFromAFileAndMemoryThatEvictsNothing()
    {
        var objects = await ObjectsAsync();
        var statefulSet = Assert.Single(objects.OfType<V1StatefulSet>());
        var spec = statefulSet.Spec.Template.Spec;
        var redis = Assert.Single(spec.Containers);

        Assert.All(spec.InitContainers.Append(redis), c => Assert.Equal(999, c.SecurityContext.RunAsUser));
        Assert.All(spec.InitContainers.Append(redis), c => Assert.True(c.Env is null or { Count: 0 }, $"{c.Name}: the password must come from a file, not a variable"));
        Assert.Equal(["redis-server", "/etc/redis/redis.conf"], redis.Command);
        Assert.Null(redis.Args);
        var secret = Assert.Single(spec.Volumes, v => v.Secret is not null);
        Assert.Equal("redis-password", secret.Secret.SecretName);
        Assert.Contains(spec.InitContainers.SelectMany(c => c.VolumeMounts), m => m.Name == secret.Name && m.ReadOnlyProperty == true);
        Assert.DoesNotContain(redis.VolumeMounts, m => m.Name == secret.Name);

        var config = Assert.Single(objects.OfType<V1ConfigMap>()).Data["redis.conf"].Split('\n', StringSplitOptions.RemoveEmptyEntries)
            .Select(l => l.Split(' ', 2)).ToDictionary(p => p[0], p => p[1]);
        Assert.Equal("noeviction", config["maxmemory-policy"]);
        var maxMemory = long.Parse(config["maxmemory"], System.Globalization.CultureInfo.InvariantCulture);
        Assert.InRange(maxMemory, 1, redis.Resources.Limits["memory"].ToInt64() - 1);
        Assert.Equal("/run/redis/password.conf", config["include"]);
        Assert.Equal("Memory", Assert.Single(spec.Volumes, v => v.Name == redis.VolumeMounts.Single(m => m.MountPath == "/run/redis").Name).EmptyDir.Medium);
    }

    [Fact]
    public async Task NetworkPoliciesLetThroughOnlyIngressToWebWebToApiAndRedisApiToRedisAndDns()
    {
        var objects = await ObjectsAsync();
        var policies = objects.OfType<V1NetworkPolicy>().ToList();
        var pods = objects.OfType<V1Deployment>().Select(d => d.Spec.Template.Metadata.Labels)
            .Concat(objects.OfType<V1StatefulSet>().Select(s => s.Spec.Template.Metadata.Labels)).ToList();

        var deny = Assert.Single(policies, p => p.Spec.Ingress is null && p.Spec.Egress is null);
        Assert.Equal(["Egress", "Ingress"], deny.Spec.PolicyTypes.Order());
        Assert.All(pods, labels => Assert.True(Selects(deny.Spec.PodSelector, labels), $"the default deny does not select {labels["app.kubernetes.io/name"]}"));

        var ingress = new HashSet<(string, string, string)>();
        var egress = new HashSet<(string, string, string)>();
        foreach (var policy in policies)
        {
            var selected = pods.Where(l => Selects(policy.Spec.PodSelector, l)).Select(l => l["app.kubernetes.io/name"]).ToList();
            foreach (var rule in policy.Spec.Ingress ?? [])
            {
                Assert.True(rule.FromProperty is { Count: > 0 } && rule.Ports is { Count: > 0 }, $"{policy.Metadata.Name}: an ingress rule from anywhere or to any port");
                foreach (var peer in rule.FromProperty)
                {
                    selected.ForEach(to => rule.Ports.ToList().ForEach(port => ingress.Add((Peer(peer), to, $"{port.Protocol}/{port.Port}"))));
                }
            }
            foreach (var rule in policy.Spec.Egress ?? [])
            {
                Assert.True(rule.To is { Count: > 0 } && rule.Ports is { Count: > 0 }, $"{policy.Metadata.Name}: an egress rule to anywhere or to any port");
                foreach (var peer in rule.To)
                {
                    selected.ForEach(from => rule.Ports.ToList().ForEach(port => egress.Add((from, Peer(peer), $"{port.Protocol}/{port.Port}"))));
                }
            }
        }

        string[] app = ["api", "redis", "web"];
        (string, string, string)[] connections =
            [("web", "api", "TCP/8080"), ("web", "redis", "TCP/6379"), ("api", "redis", "TCP/6379")];
        var dns = app.SelectMany(from => new[] { (from, "kube-system/kube-dns", "UDP/53"), (from, "kube-system/kube-dns", "TCP/53") });
        Assert.Equal(new[] { (IngressController, "web", "TCP/5200"), (IngressController, "web", "TCP/5201") }.Concat(connections).Order(), ingress.Order());
        Assert.Equal(connections.Concat(dns).Order(), egress.Order());
    }

    [Fact]
    public async Task OnlyTheWebBelievesForwardedHeadersAndOnlyFromTheIngresssNetwork()
    {
        var env = (await ObjectsAsync()).OfType<V1Deployment>()
            .ToDictionary(d => d.Metadata.Name, d => d.Spec.Template.Spec.Containers.Single().Env.ToDictionary(e => e.Name, e => e.Value));

        Assert.Equal("true", env["web"]["ASPNETCORE_FORWARDEDHEADERS_ENABLED"]);
        Assert.Equal("10.244.0.0/16", env["web"]["ForwardedHeaders__KnownNetworks__0"]);
        Assert.DoesNotContain(env["api"].Keys, k => k.StartsWith("ForwardedHeaders__", StringComparison.Ordinal));
    }

    private static void AssertRequestsWithinLimits(string where, V1ResourceRequirements? resources)
    {
        foreach (var resource in new[] { "cpu", "memory" })
        {
            Assert.True(resources?.Requests?.ContainsKey(resource) == true && resources.Limits?.ContainsKey(resource) == true, $"{where}: no {resource} request and limit");
            Assert.True(resources.Requests[resource].ToDecimal() <= resources.Limits[resource].ToDecimal(), $"{where}: {resource} request above its limit");
        }
    }

    private static string Peer(V1NetworkPolicyPeer peer)
    {
        Assert.Null(peer.IpBlock);
        var pod = Assert.Single(peer.PodSelector.MatchLabels).Value;
        return peer.NamespaceSelector is null ? pod : $"{Assert.Single(peer.NamespaceSelector.MatchLabels, l => l.Key == "kubernetes.io/metadata.name").Value}/{pod}";
    }

    private static bool Selects(V1LabelSelector selector, IDictionary<string, string> labels) =>
        selector.MatchExpressions is null or { Count: 0 } && selector.MatchLabels.All(l => labels.TryGetValue(l.Key, out var v) && v == l.Value);

    /// <summary>The pod template of every workload and its claims' names, by its name; fails on any object of a kind not known here.</summary>
    private static Dictionary<string, (V1PodSpec Spec, List<string> Claims)> PodsOf(List<IKubernetesObject> objects)
    {
        Assert.All(objects, o => Assert.True(s_knownKinds.Contains(o.Kind), $"{o.Kind} is not checked by {nameof(PolicyTests)}: add it"));
        return objects.OfType<V1Deployment>().Select(d => (d.Metadata.Name, d.Spec.Template.Spec, Claims: new List<string>()))
            .Concat(objects.OfType<V1StatefulSet>().Select(s => (s.Metadata.Name, s.Spec.Template.Spec, Claims: s.Spec.VolumeClaimTemplates?.Select(c => c.Metadata.Name).ToList() ?? [])))
            .ToDictionary(p => p.Name, p => (p.Spec, p.Claims));
    }

    private static async Task<List<IKubernetesObject>> ObjectsAsync() =>
        [.. (await KubernetesTests.PublishAsync()).Where(f => f.Key != "kustomization.yaml")
            .SelectMany(f => KubernetesYaml.LoadAllFromString(f.Value)).Cast<IKubernetesObject>()];
}
