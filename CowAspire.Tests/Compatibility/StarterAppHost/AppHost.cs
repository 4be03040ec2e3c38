var builder = DistributedApplication.CreateBuilder(args);

var cache = builder.AddRedis("redis");

var apiService = builder.AddProject<Projects.CowAspire_Api>("api")
    .WithHttpHealthCheck("/health");

builder.AddProject<Projects.CowAspire_Web>("web")
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(cache)
    .WaitFor(cache)
    .WithReference(apiService)
    .WaitFor(apiService);

builder.Build().Run();
