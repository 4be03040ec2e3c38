using System.Net;
using System.Security.Cryptography;
using System.Text.Json.Serialization;
using CowAspire.AppHost.Hosting;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace CowAspire.AppHost.Dashboard;

internal static class DashboardExtensions
{
    public const int DefaultPort = 18888;

    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder, DistributedApplicationOptions options)
    {
        var port = options.RandomizePorts ? 0 : builder.Configuration.GetValue("Dashboard:Port", DefaultPort);
        var token = builder.Configuration["Dashboard:Token"] is { Length: > 0 } configured
            ? configured
            : Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(16));

        // Loopback only, plain HTTP: the token cookie is not marked Secure, so login works without TLS.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port));
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json =>
        {
            // States and health as names, for the page, scripts and the SSE streams alike.
            json.SerializerOptions.Converters.Add(new JsonStringEnumConverter());
        });
        builder.Services.AddSingleton(s => new DashboardInfo(s.GetRequiredService<IServer>(), token));
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseMiddleware<DashboardAuthentication>();
        app.MapDashboardPages();
        app.MapDashboardApi();
        return app;
    }
}
