using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using CowAspire.AppHost.Redis;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace CowAspire.AppHost.Lifecycle;

/// <summary>
/// What can be known to fail before anything starts: a command that is not installed, an HTTPS endpoint without the
/// development certificate, a fixed port another process holds. Each is one line naming the cause and the fix, and the
/// AppHost exits 1, instead of a resource that never starts with its cause buried in a log.
/// </summary>
public static class Preflight
{
    private const string AspNetHttpsOid = "1.3.6.1.4.1.311.84.1.1";

    /// <summary>Runs the app once the checks pass; otherwise prints the first problem and returns 1.</summary>
    public static int RunAfterPreflight(this DistributedApplication app)
    {
        ArgumentNullException.ThrowIfNull(app);
        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        var configuration = app.Services.GetRequiredService<IConfiguration>();
        // Publishing starts nothing: no command, certificate or port is needed.
        var publishing = app.Services.GetRequiredService<DistributedApplicationExecutionContext>().IsPublishMode;
        var problem = publishing ? null : PortOverrides.Apply(model, configuration) ?? FindProblem(model, configuration);
        if (problem is not null)
        {
            Console.Error.WriteLine($"CowAspire cannot start: {problem}");
            return 1;
        }
        var dcp = new DcpExit();
        // Noted off the start: ApplicationStarted's callbacks run inside the host's start, which must not wait on /proc.
        app.Services.GetRequiredService<IHostApplicationLifetime>().ApplicationStarted.Register(dcp.NoteInBackground);
        app.Run();
        dcp.WaitForExit(TimeSpan.FromSeconds(10));
        return 0;
    }

    private static string? FindProblem(DistributedApplicationModel model, IConfiguration configuration)
    {
        // With random ports DCP puts every proxied endpoint on a free port, whatever port it names.
        var randomized = configuration.GetValue<bool>("DcpPublisher:RandomizePorts");
        foreach (var resource in model.Resources)
        {
            if (resource is ExecutableResource executable && !CommandExists(executable.Command))
            {
                var help = resource.Annotations.OfType<CommandHelpAnnotation>().FirstOrDefault()?.Help ?? "install it, or change the app model";
                return $"{resource.Name}: the command '{executable.Command}' was not found; {help}.";
            }
            if (resource is ProjectResource && resource.Annotations.OfType<EndpointAnnotation>().Any(e => e.UriScheme == "https") && !HasDevelopmentCertificate())
            {
                return $"{resource.Name} serves HTTPS with the ASP.NET Core development certificate, and this user has none: run 'dotnet dev-certs https'.";
            }
            foreach (var endpoint in resource.Annotations.OfType<EndpointAnnotation>().Where(e => e.Port is not null && !(randomized && e.IsProxied)))
            {
                if (PortTaken(endpoint.Port!.Value))
                {
                    return $"{resource.Name}: port {endpoint.Port} ({endpoint.Name}) is in use by another process; stop it, or run with another port: "
                        + $"{PortOverrides.Key(resource, endpoint)}=<port> (0 for a free one).";
                }
            }
        }
        // The dashboard's addresses (the launch profile's, or the environment's; DCP proxies them, so with random ports
        // they are free ones) and the AppHost's own resource service, which it serves itself.
        foreach (var (key, what, proxied) in (ReadOnlySpan<(string, string, bool)>)[
            ("ASPNETCORE_URLS", "the dashboard's", true),
            ("ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL", "the dashboard's OTLP/gRPC", true),
            ("ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL", "the dashboard's OTLP/HTTP", true),
            ("ASPIRE_RESOURCE_SERVICE_ENDPOINT_URL", "the AppHost's resource service", false)])
        {
            foreach (var url in randomized && proxied ? [] : (configuration[key] ?? "").Split(';', StringSplitOptions.RemoveEmptyEntries))
            {
                if (Uri.TryCreate(url, UriKind.Absolute, out var uri) && uri.Port > 0 && PortTaken(uri.Port))
                {
                    return $"{what} port {uri.Port} ({url}) is in use by another process; stop it, or set {key} (the launch profile sets it).";
                }
            }
        }
        return null;
    }

    private static bool PortTaken(int port)
    {
        try
        {
            using var listener = new TcpListener(IPAddress.Loopback, port);
            listener.Start();
            return false;
        }
        catch (SocketException)
        {
            return true;
        }
    }

    private static bool CommandExists(string command) =>
        command.Contains('/', StringComparison.Ordinal)
            ? File.Exists(command)
            : (Environment.GetEnvironmentVariable("PATH") ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Any(directory => File.Exists(Path.Combine(directory, command)));

    private static bool HasDevelopmentCertificate()
    {
        using var store = new X509Store(StoreName.My, StoreLocation.CurrentUser);
        try
        {
            store.Open(OpenFlags.ReadOnly | OpenFlags.OpenExistingOnly);
        }
        catch (System.Security.Cryptography.CryptographicException)
        {
            // No certificate store for this user at all: no certificate either.
            return false;
        }
        var now = DateTime.Now;
        var found = false;
        foreach (var certificate in store.Certificates)
        {
            found |= certificate.Extensions.Any(e => e.Oid?.Value == AspNetHttpsOid) && certificate.NotBefore <= now && now < certificate.NotAfter && certificate.HasPrivateKey;
            certificate.Dispose();
        }
        return found;
    }
}
