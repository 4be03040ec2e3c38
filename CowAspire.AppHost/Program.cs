using CowAspire.AppHost.Hosting;

var builder = DistributedApplication.CreateBuilder(args);

var redis = builder.AddRedis("redis");

var api = builder.AddProject<Projects.CowAspire_Api>("api")
    .WithHttpEndpoint(name: "http")
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WaitFor(redis);

builder.AddProject<Projects.CowAspire_Web>("web")
    .WithReplicas(2)
    .WithHttpsEndpoint(port: 7200, name: "https")
    .WithHttpEndpoint(name: "http")
    .WithHttpEndpoint(name: "h2c", protocols: "Http2")
    .WithExternalHttpEndpoints()
    .WithHttpHealthCheck("/health")
    .WithReference(redis)
    .WithReference(api)
    .WaitFor(api);

builder.Build().Run();
