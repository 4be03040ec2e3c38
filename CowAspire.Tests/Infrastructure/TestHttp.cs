using System.Net.Security;
using System.Security.Cryptography.X509Certificates;

namespace CowAspire.Tests.Infrastructure;

/// <summary>HTTP clients as the tests use them: HTTP/2 where offered, the development certificate trusted, no time limit on streams.</summary>
public static class TestHttp
{
    /// <summary>
    /// A handler that trusts the development certificate the services use (and only what validates or is that
    /// certificate), and holds many HTTP/2 streams on one connection, as a browser does.
    /// </summary>
    public static SocketsHttpHandler CreateHandler() => new()
    {
        UseProxy = false,
        SslOptions = { RemoteCertificateValidationCallback = ValidateCertificate },
        EnableMultipleHttp2Connections = false,
    };

    /// <summary>What every client made by <c>app.CreateHttpClient</c> gets, through <c>ConfigureHttpClientDefaults</c>.</summary>
    public static void ConfigureDefaults(IServiceCollection services) =>
        services.ConfigureHttpClientDefaults(http => http
            .ConfigurePrimaryHttpMessageHandler(CreateHandler)
            .ConfigureHttpClient(client =>
            {
                client.DefaultRequestVersion = HttpVersion.Version20;
                client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionOrLower;
                client.Timeout = Timeout.InfiniteTimeSpan;
            }));

    /// <summary>A client for the resource's h2c endpoint: HTTP/2 with prior knowledge, no TLS.</summary>
    public static HttpClient CreateH2cClient(this DistributedApplication app, string resourceName)
    {
        var client = app.CreateHttpClient(resourceName, "h2c");
        client.DefaultVersionPolicy = HttpVersionPolicy.RequestVersionExact;
        return client;
    }

    /// <summary>What validates, and the development certificate: for raw TLS connections too.</summary>
    public static bool ValidateCertificate(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        errors == SslPolicyErrors.None || IsDevelopmentCertificate(certificate);

    private static bool IsDevelopmentCertificate(X509Certificate? certificate) =>
        certificate is X509Certificate2 { Extensions: var extensions } && extensions.Any(e => e.Oid?.Value == "1.3.6.1.4.1.311.84.1.1");
}
