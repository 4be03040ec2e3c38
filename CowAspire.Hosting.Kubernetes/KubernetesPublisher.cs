using System.Globalization;
using System.Text;
using System.Text.RegularExpressions;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Publishing;
using k8s;
using k8s.Models;

namespace Aspire.Hosting.Kubernetes;

/// <summary>
/// Writes the app model as plain Kubernetes manifests, one file per resource and a kustomization that lists them:
/// projects as Deployments (the model's replica count) with Services, probes and, for external endpoints, an Ingress
/// set up for SSE; Redis as a StatefulSet with a persistent volume (or, when configuration names an external Redis,
/// a connection string from a Secret).
/// </summary>
internal sealed partial class KubernetesPublisher(KubernetesEnvironmentResource environment, DistributedApplicationExecutionContext executionContext)
    : IDistributedApplicationPublisher
{
    private const int RedisPort = 6379;

    /// <summary>ASP.NET Core's default shutdown timeout: the gateway ends its streams (with a jittered retry) within it.</summary>
    private const int TerminationGraceSeconds = 30;

    public async Task<string> PublishAsync(DistributedApplicationModel model, string outputPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputPath);
        var ports = new ContainerPorts(model);
        var files = new List<string>();
        foreach (var resource in model.Resources)
        {
            IReadOnlyList<object>? objects = resource switch
            {
                RedisResource { ExternalConnectionString: null } redis => Redis(redis),
                ProjectResource project => await ProjectAsync(project, model, ports, cancellationToken),
                _ => null,
            };
            if (objects is null)
            {
                continue;
            }
            var file = $"{resource.Name}.yaml";
            await File.WriteAllTextAsync(Path.Combine(outputPath, file), Yaml(objects), cancellationToken);
            files.Add(file);
        }
        var kustomization = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
        files.ForEach(f => kustomization.Append("- ").Append(f).Append('\n'));
        await File.WriteAllTextAsync(Path.Combine(outputPath, "kustomization.yaml"), kustomization.ToString(), cancellationToken);
        return Path.GetFullPath(outputPath);
    }

    private static string Yaml(IEnumerable<object> objects) =>
        string.Join("---\n", objects.Select(o => KubernetesYaml.Serialize(o).TrimEnd() + "\n"));

    private List<object> Redis(RedisResource redis)
    {
        var labels = Labels(redis.Name);
        return
        [
            new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new V1ObjectMeta { Name = redis.Name, Labels = labels },
                Spec = new V1ServiceSpec
                {
                    Selector = labels,
                    Ports = [new V1ServicePort { Name = RedisResource.PrimaryEndpointName, Port = RedisPort, TargetPort = RedisResource.PrimaryEndpointName, Protocol = "TCP" }],
                },
            },
            new V1StatefulSet
            {
                ApiVersion = "apps/v1",
                Kind = "StatefulSet",
                Metadata = new V1ObjectMeta { Name = redis.Name, Labels = labels },
                Spec = new V1StatefulSetSpec
                {
                    ServiceName = redis.Name,
                    Replicas = 1,
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = labels },
                        Spec = new V1PodSpec
                        {
                            Containers =
                            [
                                new V1Container
                                {
                                    Name = redis.Name,
                                    Image = RedisBuilderExtensions.RedisContainerImage,
                                    ImagePullPolicy = environment.DefaultImagePullPolicy,
                                    // The same persistence as here: an append-only file with an fsync per write, so ids never go back.
                                    Command = ["/bin/sh", "-c", "exec redis-server --requirepass \"$REDIS_PASSWORD\" --appendonly yes --appendfsync always --save '' --dir /data"],
                                    Env = [PasswordVariable(redis)],
                                    Ports = [new V1ContainerPort { Name = RedisResource.PrimaryEndpointName, ContainerPort = RedisPort, Protocol = "TCP" }],
                                    VolumeMounts = [new V1VolumeMount { Name = "data", MountPath = "/data" }],
                                    ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = RedisResource.PrimaryEndpointName }, PeriodSeconds = 5 },
                                    LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = RedisResource.PrimaryEndpointName }, PeriodSeconds = 10 },
                                },
                            ],
                        },
                    },
                    VolumeClaimTemplates =
                    [
                        new V1PersistentVolumeClaim
                        {
                            Metadata = new V1ObjectMeta { Name = "data" },
                            Spec = new V1PersistentVolumeClaimSpec
                            {
                                AccessModes = ["ReadWriteOnce"],
                                StorageClassName = environment.DefaultStorageClassName,
                                Resources = new V1VolumeResourceRequirements { Requests = new Dictionary<string, ResourceQuantity> { ["storage"] = new(environment.DefaultStorageSize) } },
                            },
                        },
                    ],
                },
            },
        ];
    }

    private async Task<List<object>> ProjectAsync(ProjectResource project, DistributedApplicationModel model, ContainerPorts ports, CancellationToken cancellationToken)
    {
        var name = project.Name;
        var labels = Labels(name);
        var replicas = project.GetReplicaCount();
        // TLS ends at the ingress: the container serves its plain-HTTP endpoints (HTTP/1.1 and h2c).
        var endpoints = project.Annotations.OfType<EndpointAnnotation>().Where(e => e.UriScheme == "http").ToList();
        var primary = endpoints.FirstOrDefault(e => e.Transport != "http2") ?? endpoints.FirstOrDefault();
        var health = project.Annotations.OfType<HttpHealthProbeAnnotation>().FirstOrDefault()?.Path ?? "/health";

        var variables = new List<V1EnvVar>();
        var redisSecrets = new HashSet<RedisResource>();
        foreach (var (variable, expression) in await ManifestPublishingContext.EnvironmentExpressionsAsync(project, executionContext, cancellationToken))
        {
            variables.Add(Variable(variable, expression, model, ports, redisSecrets));
        }
        // Secrets first: the connection string refers to them as $(VAR), which Kubernetes expands from earlier variables.
        variables.InsertRange(0, redisSecrets.Select(PasswordVariable));

        var objects = new List<object>
        {
            new V1Deployment
            {
                ApiVersion = "apps/v1",
                Kind = "Deployment",
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Spec = new V1DeploymentSpec
                {
                    Replicas = replicas,
                    Selector = new V1LabelSelector { MatchLabels = labels },
                    // One new pod before an old one goes: streams move to a ready replica, never to none.
                    Strategy = new V1DeploymentStrategy { Type = "RollingUpdate", RollingUpdate = new V1RollingUpdateDeployment { MaxUnavailable = 0, MaxSurge = 1 } },
                    Template = new V1PodTemplateSpec
                    {
                        Metadata = new V1ObjectMeta { Labels = labels },
                        Spec = new V1PodSpec
                        {
                            TerminationGracePeriodSeconds = TerminationGraceSeconds,
                            Containers =
                            [
                                new V1Container
                                {
                                    Name = name,
                                    Image = string.Format(CultureInfo.InvariantCulture, environment.ImageNameFormat, ProjectName(project).ToLowerInvariant().Replace('.', '-')),
                                    ImagePullPolicy = environment.DefaultImagePullPolicy,
                                    Ports = [.. endpoints.Select(e => new V1ContainerPort { Name = e.Name, ContainerPort = ports.Of(project, e.Name), Protocol = "TCP" })],
                                    Env = variables,
                                    // Traffic once healthy (Redis reached, subscribed); then for as long as it answers, so a Redis
                                    // outage leaves the page and open streams up, as the front door does here.
                                    StartupProbe = primary is null ? null : new V1Probe { HttpGet = new V1HTTPGetAction { Path = health, Port = primary.Name }, PeriodSeconds = 2, FailureThreshold = 60 },
                                    ReadinessProbe = primary is null ? null : new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/alive", Port = primary.Name }, PeriodSeconds = 5, FailureThreshold = 3 },
                                    LivenessProbe = primary is null ? null : new V1Probe { HttpGet = new V1HTTPGetAction { Path = "/alive", Port = primary.Name }, PeriodSeconds = 10, FailureThreshold = 3 },
                                },
                            ],
                        },
                    },
                },
            },
        };
        if (endpoints.Count > 0)
        {
            objects.Add(new V1Service
            {
                ApiVersion = "v1",
                Kind = "Service",
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Spec = new V1ServiceSpec
                {
                    Type = environment.DefaultServiceType,
                    Selector = labels,
                    Ports = [.. endpoints.Select(e => new V1ServicePort
                    {
                        Name = e.Name,
                        Port = ports.Of(project, e.Name),
                        TargetPort = e.Name,
                        Protocol = "TCP",
                        AppProtocol = e.Transport == "http2" ? "kubernetes.io/h2c" : "http",
                    })],
                },
            });
        }
        if (project.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal) && primary is not null)
        {
            objects.Add(Ingress(name, labels, primary.Name));
        }
        if (replicas > 1)
        {
            objects.Add(new V1PodDisruptionBudget
            {
                ApiVersion = "policy/v1",
                Kind = "PodDisruptionBudget",
                Metadata = new V1ObjectMeta { Name = name, Labels = labels },
                Spec = new V1PodDisruptionBudgetSpec { MinAvailable = 1, Selector = new V1LabelSelector { MatchLabels = labels } },
            });
        }
        return objects;
    }

    /// <summary>
    /// SSE through ingress-nginx: no response buffering (events must leave as they come), long read and send timeouts
    /// (a stream is idle between heartbeats and lives for hours); browsers get HTTP/2 from the ingress's TLS.
    /// </summary>
    private V1Ingress Ingress(string name, IDictionary<string, string> labels, string portName) => new()
    {
        ApiVersion = "networking.k8s.io/v1",
        Kind = "Ingress",
        Metadata = new V1ObjectMeta
        {
            Name = name,
            Labels = labels,
            Annotations = new Dictionary<string, string>
            {
                ["nginx.ingress.kubernetes.io/proxy-buffering"] = "off",
                ["nginx.ingress.kubernetes.io/proxy-read-timeout"] = "3600",
                ["nginx.ingress.kubernetes.io/proxy-send-timeout"] = "3600",
                ["nginx.ingress.kubernetes.io/proxy-body-size"] = "8k",
            },
        },
        Spec = new V1IngressSpec
        {
            IngressClassName = "nginx",
            Tls = [new V1IngressTLS { Hosts = environment.IngressHost is { } host ? [host] : null, SecretName = $"{name}-tls" }],
            Rules =
            [
                new V1IngressRule
                {
                    Host = environment.IngressHost,
                    Http = new V1HTTPIngressRuleValue
                    {
                        Paths = [new V1HTTPIngressPath { Path = "/", PathType = "Prefix", Backend = new V1IngressBackend { Service = new V1IngressServiceBackend { Name = name, Port = new V1ServiceBackendPort { Name = portName } } } }],
                    },
                },
            ],
        },
    };

    /// <summary>One variable with the manifest's placeholders made Kubernetes values: service names, ports, secrets.</summary>
    private static V1EnvVar Variable(string name, string expression, DistributedApplicationModel model, ContainerPorts ports, HashSet<RedisResource> redisSecrets)
    {
        var external = Placeholder().Match(expression) is { Success: true } m && m.Value == expression && m.Groups["property"].Value == "connectionString"
            && model.Resources.FirstOrDefault(r => r.Name == m.Groups["resource"].Value) is RedisResource { ExternalConnectionString: not null } externalRedis
            ? externalRedis : null;
        if (external is not null)
        {
            return new V1EnvVar { Name = name, ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = $"{external.Name}-connection", Key = "connectionString" } } };
        }
        var value = Placeholder().Replace(expression, match =>
        {
            var resource = model.Resources.First(r => r.Name == match.Groups["resource"].Value);
            if (match.Groups["property"].Value == "connectionString")
            {
                if (resource is RedisResource redis)
                {
                    redisSecrets.Add(redis);
                    return $"{redis.Name}:{RedisPort},password=$({PasswordVariableName(redis)})";
                }
                throw new DistributedApplicationException($"The Kubernetes publisher cannot write the connection string of '{resource.Name}'.");
            }
            var endpoint = resource.Annotations.OfType<EndpointAnnotation>().First(e => e.Name == match.Groups["endpoint"].Value);
            var port = resource is RedisResource ? RedisPort : ports.Of(resource, endpoint.Name);
            return match.Groups["property"].Value switch
            {
                "url" => $"{endpoint.UriScheme}://{resource.Name}:{port}",
                "host" => resource.Name,
                "scheme" => endpoint.UriScheme,
                "hostAndPort" => $"{resource.Name}:{port}",
                _ => port.ToString(CultureInfo.InvariantCulture),
            };
        });
        return new V1EnvVar { Name = name, Value = value };
    }

    private static V1EnvVar PasswordVariable(RedisResource redis) => new()
    {
        Name = PasswordVariableName(redis),
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = $"{redis.Name}-password", Key = "password" } },
    };

    private static string PasswordVariableName(RedisResource redis) => $"{redis.Name.ToUpperInvariant().Replace('-', '_')}_PASSWORD";

    private static Dictionary<string, string> Labels(string name) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/part-of"] = "cowaspire",
    };

    private static string ProjectName(ProjectResource project) =>
        Path.GetFileNameWithoutExtension(project.Annotations.OfType<IProjectMetadata>().Last().ProjectPath);

    [GeneratedRegex(@"\{(?<resource>[A-Za-z0-9-]+)\.(?:(?<property>connectionString)|bindings\.(?<endpoint>[A-Za-z0-9-]+)\.(?<property>url|host|port|targetPort|scheme|hostAndPort))\}")]
    private static partial Regex Placeholder();

    /// <summary>Where each plain-HTTP endpoint listens in its container: its target port, else 8080, 8081… in order.</summary>
    private sealed class ContainerPorts(DistributedApplicationModel model)
    {
        private readonly Dictionary<(string, string), int> _ports = model.Resources
            .SelectMany(r => r.Annotations.OfType<EndpointAnnotation>().Select((e, i) => (Key: (r.Name, e.Name), Port: e.TargetPort ?? 8080 + i)))
            .ToDictionary(p => p.Key, p => p.Port);

        public int Of(IResource resource, string endpointName) => _ports[(resource.Name, endpointName)];
    }
}
