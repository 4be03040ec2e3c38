using CowAspire.AppHost.Kubernetes;
using CowAspire.AppHost.Lifecycle;
using CowAspire.AppHost.Redis;

var builder = DistributedApplication.CreateBuilder(args);

builder.AddKubernetesManifests("k8s");

var redis = builder.AddCowAspireRedis("redis")
    .WithRestartOnCrash();

var api = builder.AddProject<Projects.CowAspire_Api>("api")
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WaitFor(redis)
    .WithRestartOnCrash();

builder.AddProject<Projects.CowAspire_Web>("web")
    .WithReplicas(2)
    .WithExternalHttpEndpoints()
    // Probed over plain HTTP: the AppHost does not trust the development certificate the https endpoint serves.
    .WithHttpHealthCheck("/health", endpointName: "http")
    .WithReference(redis)
    .WithReference(api)
    .WaitFor(api)
    .WithRestartOnCrash();

builder.AddReadyLine();

return builder.Build().RunAfterPreflight();
