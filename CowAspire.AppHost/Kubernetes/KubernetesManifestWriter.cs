using System.Globalization;
using System.Text;
using k8s;
using k8s.Models;
using Microsoft.Extensions.Logging;

namespace CowAspire.AppHost.Kubernetes;

/// <summary>
/// Writes the app model as plain Kubernetes manifests, one file per resource and a kustomization that lists them:
/// projects as Deployments (the model's replica count) with Services, probes and, for external endpoints, an Ingress
/// set up for SSE; Aspire's Redis container as a StatefulSet with a persistent volume and its password from a Secret;
/// NetworkPolicies for the connections the model makes. Every pod runs hardened (<see cref="KubernetesSecurity"/>).
/// </summary>
internal sealed partial class KubernetesManifestWriter(KubernetesManifestsResource environment, DistributedApplicationExecutionContext executionContext, ILogger logger)
{
    /// <summary>ASP.NET Core's default shutdown timeout: the gateway ends its streams (with a jittered retry) within it.</summary>
    private const int TerminationGraceSeconds = 30;

    /// <summary>ServiceDefaults' endpoints: every check (Redis reached, the gateway subscribed), and the process alone.</summary>
    private const string HealthPath = "/health";
    private const string AlivePath = "/alive";

    /// <summary>Writes the manifests into <paramref name="outputPath"/> and returns the names of the files written.</summary>
    public async Task<IReadOnlyList<string>> WriteAsync(DistributedApplicationModel model, string outputPath, CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(outputPath);
        var ports = new ContainerPorts(model);
        var files = new List<string>();
        foreach (var resource in model.Resources)
        {
            IReadOnlyList<object>? objects = resource switch
            {
                RedisResource redis => Redis(redis, ports),
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
        await File.WriteAllTextAsync(Path.Combine(outputPath, KubernetesNetworkPolicies.FileName), Yaml(new KubernetesNetworkPolicies(environment, ports).Of(model)), cancellationToken);
        files.Add(KubernetesNetworkPolicies.FileName);
        var kustomization = new StringBuilder("apiVersion: kustomize.config.k8s.io/v1beta1\nkind: Kustomization\nresources:\n");
        files.ForEach(f => kustomization.Append("- ").Append(f).Append('\n'));
        await File.WriteAllTextAsync(Path.Combine(outputPath, "kustomization.yaml"), kustomization.ToString(), cancellationToken);
        return [.. files, "kustomization.yaml"];
    }

    private static string Yaml(IEnumerable<object> objects) =>
        string.Join("---\n", objects.Select(o => KubernetesYaml.Serialize(o).TrimEnd() + "\n"));

    private async Task<List<object>> ProjectAsync(ProjectResource project, DistributedApplicationModel model, ContainerPorts ports, CancellationToken cancellationToken)
    {
        var name = project.Name;
        var labels = Labels(name);
        var replicas = project.GetReplicaCount();
        // TLS ends at the ingress: the container serves its plain-HTTP endpoints (HTTP/1.1 and h2c).
        var endpoints = project.Annotations.OfType<EndpointAnnotation>().Where(IsServed).ToList();
        var primary = endpoints.FirstOrDefault(e => e.Transport != "http2") ?? endpoints.FirstOrDefault();
        var variables = await EnvironmentAsync(project, model, ports, cancellationToken);
        var external = project.Annotations.OfType<EndpointAnnotation>().Any(e => e.IsExternal) && primary is not null;
        if (external)
        {
            if (!System.Net.IPNetwork.TryParse(environment.IngressNetwork, out _))
            {
                throw new DistributedApplicationException($"The ingress's network '{environment.IngressNetwork}' is no network in CIDR notation (Kubernetes:IngressNetwork).");
            }
            // Behind the ingress the peer is the ingress controller: its X-Forwarded-For is believed, no one else's.
            variables.Add(new V1EnvVar { Name = "ForwardedHeaders__KnownNetworks__0", Value = environment.IngressNetwork });
        }

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
                            // The root filesystem is read-only: the runtime's diagnostics socket and temporary files go here.
                            Volumes = [new V1Volume { Name = "tmp", EmptyDir = new V1EmptyDirVolumeSource { SizeLimit = new ResourceQuantity("64Mi") } }],
                            Containers =
                            [
                                new V1Container
                                {
                                    Name = name,
                                    Image = string.Format(CultureInfo.InvariantCulture, environment.ImageNameFormat, ProjectName(project).ToLowerInvariant().Replace('.', '-'), KubernetesImageTag.Validate(environment.ImageTag)),
                                    ImagePullPolicy = environment.DefaultImagePullPolicy,
                                    Ports = [.. endpoints.Select(e => new V1ContainerPort { Name = e.Name, ContainerPort = ports.Of(project, e.Name), Protocol = "TCP" })],
                                    Env = variables,
                                    VolumeMounts = [new V1VolumeMount { Name = "tmp", MountPath = "/tmp" }],
                                    SecurityContext = KubernetesSecurity.Container(KubernetesSecurity.DotNetUser),
                                    Resources = KubernetesSecurity.Resources(KubernetesSecurity.ResourcesOf(project)),
                                    // Traffic once healthy (Redis reached, subscribed); then for as long as it answers, so a Redis
                                    // outage leaves the page and open streams up, as DCP's proxy does here.
                                    StartupProbe = primary is null ? null : new V1Probe { HttpGet = new V1HTTPGetAction { Path = HealthPath, Port = primary.Name }, PeriodSeconds = 2, FailureThreshold = 60 },
                                    ReadinessProbe = primary is null ? null : new V1Probe { HttpGet = new V1HTTPGetAction { Path = AlivePath, Port = primary.Name }, PeriodSeconds = 5, FailureThreshold = 3 },
                                    LivenessProbe = primary is null ? null : new V1Probe { HttpGet = new V1HTTPGetAction { Path = AlivePath, Port = primary.Name }, PeriodSeconds = 10, FailureThreshold = 3 },
                                },
                            ],
                        }.Harden(KubernetesSecurity.DotNetUser, fsGroup: false),
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
        if (external)
        {
            objects.Add(Ingress(name, labels, primary!.Name));
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
    /// The project's environment as Aspire's publish mode writes it (the same callbacks the manifest evaluates), its
    /// references made Kubernetes values: service names and container ports, Redis's password from its Secret.
    /// </summary>
    private async Task<List<V1EnvVar>> EnvironmentAsync(ProjectResource project, DistributedApplicationModel model, ContainerPorts ports, CancellationToken cancellationToken)
    {
        var context = new EnvironmentCallbackContext(executionContext, project, cancellationToken: cancellationToken);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
        {
            await callback.Callback(context);
        }
        var values = new KubernetesValues(model, ports);
        var variables = new List<V1EnvVar>();
        foreach (var (name, value) in context.EnvironmentVariables)
        {
            if (KubernetesValues.SecretOf(value) is { } parameter)
            {
                variables.Add(new V1EnvVar { Name = name, ValueFrom = PasswordVariable(values.RedisOf(parameter)).ValueFrom });
                continue;
            }
            if (await values.TextAsync(value, cancellationToken) is not { } text)
            {
                Log.LeftOut(logger, project.Name, name);
                continue;
            }
            variables.Add(new V1EnvVar { Name = name, Value = text });
            // Aspire overrides a Kestrel endpoint's Url only, and its Protocols stays whatever the project's settings for the
            // container's environment say; an h2c endpoint must speak HTTP/2 whatever they say (the Service says h2c).
            var http2 = project.Annotations.OfType<EndpointAnnotation>().FirstOrDefault(e => e.Transport == "http2" && name == $"Kestrel__Endpoints__{e.Name}__Url");
            if (http2 is not null && !context.EnvironmentVariables.ContainsKey($"Kestrel__Endpoints__{http2.Name}__Protocols"))
            {
                variables.Add(new V1EnvVar { Name = $"Kestrel__Endpoints__{http2.Name}__Protocols", Value = "Http2" });
            }
        }
        // Secrets first: other variables refer to them as $(VAR), which Kubernetes expands from earlier variables only.
        var secrets = values.Secrets.Select(PasswordVariable).ToList();
        foreach (var secret in secrets)
        {
            var index = variables.FindIndex(v => v.Name == secret.Name);
            if (index < 0)
            {
                continue;
            }
            var key = variables[index].ValueFrom?.SecretKeyRef;
            if (key?.Name != secret.ValueFrom.SecretKeyRef.Name || key?.Key != secret.ValueFrom.SecretKeyRef.Key)
            {
                throw new DistributedApplicationException($"{project.Name}: the variable {secret.Name} is set to something other than the password of the Redis it names.");
            }
            // The model's own copy of the password (WithReference(redis) sets REDIS_PASSWORD): once, first.
            variables.RemoveAt(index);
        }
        variables.InsertRange(0, secrets);
        return variables;
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

    /// <summary>A project's endpoint its container serves: plain HTTP. HTTPS (Aspire's default one, or Kestrel's) ends at the ingress.</summary>
    internal static bool IsServed(EndpointAnnotation endpoint) => endpoint.UriScheme == "http";

    internal static V1EnvVar PasswordVariable(RedisResource redis) => new()
    {
        Name = PasswordVariableName(redis),
        ValueFrom = new V1EnvVarSource { SecretKeyRef = new V1SecretKeySelector { Name = PasswordOf(redis).Name, Key = "password" } },
    };

    internal static string PasswordVariableName(RedisResource redis) => $"{redis.Name.ToUpperInvariant().Replace('-', '_')}_PASSWORD";

    internal static ParameterResource PasswordOf(RedisResource redis) => redis.PasswordParameter
        ?? throw new DistributedApplicationException($"The Kubernetes manifests keep Redis's password in a Secret, and '{redis.Name}' has none.");

    internal static Dictionary<string, string> Labels(string name) => new()
    {
        ["app.kubernetes.io/name"] = name,
        ["app.kubernetes.io/part-of"] = "cowaspire",
    };

    private static string ProjectName(ProjectResource project) =>
        Path.GetFileNameWithoutExtension(project.Annotations.OfType<IProjectMetadata>().Last().ProjectPath);

    private static partial class Log
    {
        [LoggerMessage(LogLevel.Information, "{Resource}: {Variable} left out of the Kubernetes manifests: it names an HTTPS endpoint, and TLS ends at the ingress")]
        public static partial void LeftOut(ILogger logger, string resource, string variable);
    }
}
