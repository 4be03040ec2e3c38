using System.Net;
using System.Text.Json.Serialization;
using Aspire.Hosting.ApplicationModel;
using CowAspire.Hosting.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using CowAspire.Dashboard.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Options;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace CowAspire.Dashboard;

/// <summary>
/// The dashboard's own web server, started before any resource (so a taken port stops the AppHost before it starts
/// anything), on loopback only, over the AppHost's services.
/// </summary>
/// <param name="settings">The AppHost's <c>Dashboard:Otlp:*</c> and <c>Dashboard:TelemetryLimits:*</c>, with the run's defaults.</param>
internal sealed class DashboardHost(IServiceProvider appHost, int port, IReadOnlyDictionary<string, string?> settings) : IHostedService, IAsyncDisposable
{
    private WebApplication? _web;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { ApplicationName = typeof(DashboardHost).Assembly.GetName().Name });
        // Its own settings only: the content root's appsettings.json belongs to someone else (a test's folder holds the
        // services' Kestrel endpoints, say).
        builder.Configuration.Sources.Clear();
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Logging.ClearProviders();
        foreach (var provider in appHost.GetServices<ILoggerProvider>())
        {
            builder.Logging.AddProvider(provider);
        }
        builder.Logging.AddFilter("Microsoft.AspNetCore", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Hosting.Lifetime", LogLevel.Warning);
        builder.Logging.AddFilter("Microsoft.Extensions.Hosting.Internal.Host", LogLevel.None);
        // The AppHost handles Ctrl+C and SIGTERM and stops the dashboard with everything else.
        builder.Services.AddSingleton<IHostLifetime, EmbeddedLifetime>();
        // Loopback only, plain HTTP: the token cookie is not marked Secure, so login works without TLS.
        ListenOptions? pages = null;
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, port, listen => pages = listen));
        var otlpListeners = new OtlpListeners();
        builder.AddDashboardTelemetry(otlpListeners);
        builder.Services.AddProblemDetails();
        builder.Services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new JsonStringEnumConverter()));
        builder.Services.AddSingleton(appHost.GetRequiredService<DashboardInfo>());
        builder.Services.AddSingleton(appHost.GetRequiredService<ResourceNotificationService>());
        builder.Services.AddSingleton(appHost.GetRequiredService<ResourceLoggerService>());
        builder.Services.AddSingleton(appHost.GetRequiredService<ResourceCommandService>());
        _web = builder.Build();
        _web.Use(FrameGuard);
        _web.UseExceptionHandler();
        _web.UseStatusCodePages();
        _web.UseOtlpAuthentication();
        _web.UseMiddleware<DashboardAuthentication>();
        _web.MapDashboardPages();
        _web.MapDashboardApi();
        _web.MapDashboardTelemetry();
        await _web.StartAsync(cancellationToken);

        var info = appHost.GetRequiredService<DashboardInfo>();
        info.BaseUrl = $"http://{pages!.IPEndPoint}";
        var otlp = _web.Services.GetRequiredService<IOptions<OtlpOptions>>().Value;
        var exporters = appHost.GetRequiredService<DashboardOtlp>();
        exporters.Protocol = otlp.Protocol;
        exporters.ApiKey = otlp.ApiKey;
        exporters.Endpoint = otlp.Enabled ? OtlpListeners.UrlOf(otlp.Protocol == "grpc" ? otlpListeners.Grpc : otlpListeners.Http) : null;
        info.OtlpGrpcUrl = OtlpListeners.UrlOf(otlpListeners.Grpc);
        info.OtlpHttpUrl = OtlpListeners.UrlOf(otlpListeners.Http);
        info.OtlpApiKey = otlp.ApiKey!;
        _web.Services.GetRequiredService<ILogger<DashboardHost>>().OtlpListening(info.OtlpGrpcUrl, info.OtlpHttpUrl);
        appHost.GetRequiredService<ReadyAnnouncement>().DashboardLoginUrl = info.LoginUrl;
    }

    /// <summary>
    /// The dashboard's buttons act with the login cookie, so no other page may frame it and trick a click onto them
    /// (clickjacking): both the old header and CSP's frame-ancestors, for every response.
    /// </summary>
    private static Task FrameGuard(HttpContext context, RequestDelegate next)
    {
        context.Response.Headers.XFrameOptions = "DENY";
        context.Response.Headers.ContentSecurityPolicy =
            "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; frame-ancestors 'none'; base-uri 'none'; form-action 'self'";
        context.Response.Headers.XContentTypeOptions = "nosniff";
        context.Response.Headers["Referrer-Policy"] = "no-referrer";
        return next(context);
    }

    public Task StopAsync(CancellationToken cancellationToken) => _web?.StopAsync(cancellationToken) ?? Task.CompletedTask;

    private sealed class EmbeddedLifetime : IHostLifetime
    {
        public Task WaitForStartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

        public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
    }

    public async ValueTask DisposeAsync()
    {
        if (_web is not null)
        {
            await _web.DisposeAsync();
        }
    }
}
