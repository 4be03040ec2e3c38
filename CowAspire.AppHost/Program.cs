var builder = DistributedApplication.CreateBuilder(args);

builder.AddKubernetesEnvironment("k8s");

var redis = builder.AddRedis("redis");

var api = builder.AddProject<Projects.CowAspire_Api>("api")
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WaitFor(redis);

builder.AddProject<Projects.CowAspire_Web>("web")
    .WithReplicas(2)
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WithReference(api)
    .WaitFor(api);

builder.Build().Run();
