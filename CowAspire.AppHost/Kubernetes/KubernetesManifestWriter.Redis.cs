using System.Globalization;
using k8s.Models;

namespace CowAspire.AppHost.Kubernetes;

/// <summary>Aspire's Redis container as a StatefulSet that runs as the image's <c>redis</c> user with its password read from a file.</summary>
internal sealed partial class KubernetesManifestWriter
{
    private const string RedisConfigDirectory = "/etc/redis";
    private const string RedisSecretDirectory = "/run/secrets/redis";
    private const string RedisRunDirectory = "/run/redis";

    /// <summary>The init container only copies the password into a config line: a few milliseconds of a shell.</summary>
    private static readonly KubernetesResourcesAnnotation s_initResources = new("10m", "16Mi", "100m", "32Mi");

    private List<object> Redis(RedisResource redis, ContainerPorts ports)
    {
        var labels = Labels(redis.Name);
        var endpoint = redis.PrimaryEndpoint.EndpointName;
        var port = ports.Of(redis, endpoint);
        if (!redis.TryGetContainerImageName(out var image))
        {
            throw new DistributedApplicationException($"The Kubernetes manifests need the image of '{redis.Name}', and the model names none.");
        }
        var resources = KubernetesSecurity.ResourcesOf(redis);
        var maxMemory = new ResourceQuantity(environment.RedisMaxMemory).ToInt64();
        if (maxMemory <= 0 || maxMemory >= new ResourceQuantity(resources.MemoryLimit).ToInt64())
        {
            throw new DistributedApplicationException($"Redis's maxmemory ({environment.RedisMaxMemory}) must be above zero and below its container's memory limit ({resources.MemoryLimit}).");
        }
        var config = $"{redis.Name}-config";
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
                    Ports = [new V1ServicePort { Name = endpoint, Port = port, TargetPort = endpoint, Protocol = "TCP" }],
                },
            },
            new V1ConfigMap
            {
                ApiVersion = "v1",
                Kind = "ConfigMap",
                Metadata = new V1ObjectMeta { Name = config, Labels = labels },
                Data = new Dictionary<string, string> { ["redis.conf"] = RedisConfig(port, maxMemory) },
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
                            // Redis reads its password from a config line, never its command line (ps, /proc): this writes
                            // that line from the Secret's file into memory (printf is the shell's own, so no process has it
                            // as an argument either).
                            InitContainers =
                            [
                                new V1Container
                                {
                                    Name = "password",
                                    Image = image,
                                    ImagePullPolicy = environment.DefaultImagePullPolicy,
                                    Command = ["/bin/sh", "-c", $"umask 077 && printf 'requirepass \"%s\"\\n' \"$(cat {RedisSecretDirectory}/password)\" > {RedisRunDirectory}/password.conf"],
                                    VolumeMounts =
                                    [
                                        new V1VolumeMount { Name = "password", MountPath = RedisSecretDirectory, ReadOnlyProperty = true },
                                        new V1VolumeMount { Name = "run", MountPath = RedisRunDirectory },
                                    ],
                                    SecurityContext = KubernetesSecurity.Container(KubernetesSecurity.RedisUser),
                                    Resources = KubernetesSecurity.Resources(s_initResources),
                                },
                            ],
                            Containers =
                            [
                                new V1Container
                                {
                                    Name = redis.Name,
                                    Image = image,
                                    ImagePullPolicy = environment.DefaultImagePullPolicy,
                                    Command = ["redis-server", $"{RedisConfigDirectory}/redis.conf"],
                                    Ports = [new V1ContainerPort { Name = endpoint, ContainerPort = port, Protocol = "TCP" }],
                                    VolumeMounts =
                                    [
                                        new V1VolumeMount { Name = "data", MountPath = "/data" },
                                        new V1VolumeMount { Name = "config", MountPath = RedisConfigDirectory, ReadOnlyProperty = true },
                                        new V1VolumeMount { Name = "run", MountPath = RedisRunDirectory, ReadOnlyProperty = true },
                                    ],
                                    SecurityContext = KubernetesSecurity.Container(KubernetesSecurity.RedisUser),
                                    Resources = KubernetesSecurity.Resources(resources),
                                    ReadinessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = endpoint }, PeriodSeconds = 5 },
                                    LivenessProbe = new V1Probe { TcpSocket = new V1TCPSocketAction { Port = endpoint }, PeriodSeconds = 10 },
                                },
                            ],
                            Volumes =
                            [
                                new V1Volume { Name = "config", ConfigMap = new V1ConfigMapVolumeSource { Name = config } },
                                new V1Volume
                                {
                                    Name = "password",
                                    // Group-readable: the pod's fsGroup (redis) owns the Secret's files.
                                    Secret = new V1SecretVolumeSource { SecretName = PasswordOf(redis).Name, Items = [new V1KeyToPath { Key = "password", Path = "password" }], DefaultMode = 0b100_100_000 },
                                },
                                // In memory, so the password never reaches the node's disk.
                                new V1Volume { Name = "run", EmptyDir = new V1EmptyDirVolumeSource { Medium = "Memory", SizeLimit = new ResourceQuantity("1Mi") } },
                            ],
                        }.Harden(KubernetesSecurity.RedisUser, fsGroup: true),
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

    /// <summary>
    /// The AppHost's persistence (an append-only file with an fsync per write, so ids never go back) and a memory bound
    /// that evicts nothing: a full Redis refuses writes (the Api answers 503) rather than drop an acknowledged quote or
    /// the epoch.
    /// </summary>
    private static string RedisConfig(int port, long maxMemory) => string.Create(CultureInfo.InvariantCulture, $"""
        port {port}
        dir /data
        appendonly yes
        appendfsync always
        save ""
        maxmemory {maxMemory}
        maxmemory-policy noeviction
        include {RedisRunDirectory}/password.conf

        """);
}
