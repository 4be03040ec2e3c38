using CowAspire.AppHost.Kubernetes;
using CowAspire.AppHost.Lifecycle;
using CowAspire.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

builder.AddKubernetesManifests("k8s");

// Kubernetes requests and limits: deploy/README.md's capacity plan.
var redis = builder.AddCowAspireRedis("redis")
    .WithRestartOnCrash()
    .WithKubernetesResources(cpuRequest: "500m", memoryRequest: "1Gi", cpuLimit: "1", memoryLimit: "1Gi");

var api = builder.AddProject<Projects.CowAspire_Api>("api")
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WaitFor(redis)
    .WithRestartOnCrash()
    .WithKubernetesResources(cpuRequest: "250m", memoryRequest: "256Mi", cpuLimit: "1", memoryLimit: "512Mi");

builder.AddProject<Projects.CowAspire_Web>("web")
    .WithReplicas(2)
    .WithExternalHttpEndpoints()
    // Probed over plain HTTP: the AppHost does not trust the development certificate the https endpoint serves.
    .WithHttpHealthCheck("/health", endpointName: "http")
    .WithReference(redis)
    .WithReference(api)
    .WaitFor(api)
    .WithRestartOnCrash()
    .WithKubernetesResources(cpuRequest: "2", memoryRequest: "2Gi", cpuLimit: "2", memoryLimit: "2Gi");

builder.AddReadyLine();

return builder.Build().RunAfterPreflight();
