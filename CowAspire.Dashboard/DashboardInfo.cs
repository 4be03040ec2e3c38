using System.Security.Cryptography;
using System.Text;

namespace CowAspire.Dashboard;

/// <summary>Where the dashboard listens and the token that opens it.</summary>
public sealed class DashboardInfo(string token)
{
    private string? _baseUrl;

    public string Token { get; } = token;

    /// <summary>The address Kestrel bound (known once the dashboard has started).</summary>
    public string BaseUrl
    {
        get => _baseUrl ?? throw new InvalidOperationException("The dashboard is not listening yet.");
        internal set => _baseUrl = value;
    }

    /// <summary>Where services send OTLP over gRPC (HTTP/2 without TLS) and over HTTP, with <see cref="OtlpApiKey"/>.</summary>
    public string OtlpGrpcUrl { get; internal set; } = "";

    public string OtlpHttpUrl { get; internal set; } = "";

    public string OtlpApiKey { get; internal set; } = "";

    public string LoginUrl => $"{BaseUrl}/login?t={Uri.EscapeDataString(Token)}";

    public bool IsToken(string? candidate) =>
        candidate is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Token));
}
