using CowAspire.ServiceDefaults.Errors;
using CowAspire.ServiceDefaults.Health;
using CowAspire.ServiceDefaults.Limits;
using CowAspire.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Http.Resilience;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// What every CowAspire service calls first, in the shape of Aspire's ServiceDefaults template:
/// telemetry, health, service discovery, resilient HTTP clients and problem details.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        ArgumentNullException.ThrowIfNull(builder);

        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.AddForwardedHeadersTrust();

        // Ahead of the default writer, which would write a body to HEAD.
        builder.Services.AddSingleton<IProblemDetailsWriter, HeadProblemDetailsWriter>();
        builder.Services.AddProblemDetails(options => options.CustomizeProblemDetails = context =>
        {
            // Status-code-only answers (unknown route, wrong method) still say what was wrong.
            var request = context.HttpContext.Request;
            context.ProblemDetails.Detail ??= context.ProblemDetails.Status switch
            {
                StatusCodes.Status404NotFound => $"No endpoint matches {request.Method} {request.Path}.",
                StatusCodes.Status405MethodNotAllowed => $"{request.Path} does not accept {request.Method}.",
                _ => null,
            };
        });
        builder.Services.AddExceptionHandler<ClientErrorExceptionHandler>();
        builder.Services.AddServiceDiscovery();
        builder.Services.ConfigureHttpClientDefaults(http =>
        {
            http.AddStandardResilienceHandler(options =>
            {
                // A retried POST would publish the same quote twice: only safe methods are retried.
                options.Retry.DisableForUnsafeHttpMethods();
            });
            http.AddServiceDiscovery();
        });

        // The AppHost stops services with SIGTERM and expects them gone within a few seconds.
        builder.Services.Configure<HostOptions>(options => options.ShutdownTimeout = TimeSpan.FromSeconds(5));

        return builder;
    }

    /// <summary>Problem details for every error response, including unknown routes and binding failures.</summary>
    public static WebApplication UseServiceDefaults(this WebApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        // Outside the exception handler, so it sees the status the client finally gets.
        app.UseMiddleware<ClientErrorLogging>();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        return app;
    }

    public static IEndpointRouteBuilder MapDefaultEndpoints(this IEndpointRouteBuilder endpoints)
    {
        ArgumentNullException.ThrowIfNull(endpoints);
        endpoints.MapHealthEndpoints();
        return endpoints;
    }
}
