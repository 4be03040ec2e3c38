using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;
using Microsoft.Extensions.Hosting;

namespace CowAspire.ServiceDefaults.Health;

public static class HealthExtensions
{
    /// <summary>Checks tagged "live" answer /alive; every check answers /health (readiness).</summary>
    public const string LiveTag = "live";

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.Services.AddHealthChecks()
            .AddCheck("self", () => HealthCheckResult.Healthy(), [LiveTag]);
        return builder;
    }

    public static IEndpointRouteBuilder MapHealthEndpoints(this IEndpointRouteBuilder endpoints)
    {
        // Health is for the orchestrator and load balancers; it is never part of telemetry's request traces.
        // Liveness (is the process serving?) is what a router needs; /health adds Redis and is for the dashboard.
        // Both are probes: GET and HEAD only, anything else is a 405 problem.
        string[] methods = [HttpMethods.Get, HttpMethods.Head];
        endpoints.MapHealthChecks("/health", new HealthCheckOptions { ResponseWriter = WriteStatusAndFaultsAsync })
            .WithMetadata(new HttpMethodMetadata(methods));
        endpoints.MapHealthChecks("/alive", new HealthCheckOptions { Predicate = check => check.Tags.Contains(LiveTag) })
            .WithMetadata(new HttpMethodMetadata(methods));
        return endpoints;
    }

    /// <summary>"Healthy", or the status and what is wrong ("Unhealthy\nredis: Redis is out of memory…"), so a probe's log says why.</summary>
    private static Task WriteStatusAndFaultsAsync(HttpContext context, HealthReport report)
    {
        var faults = report.Entries.Where(e => e.Value.Status != HealthStatus.Healthy).Select(e => $"\n{e.Key}: {e.Value.Description}");
        context.Response.ContentType = "text/plain; charset=utf-8";
        return context.Response.WriteAsync(report.Status + string.Concat(faults), context.RequestAborted);
    }
}
