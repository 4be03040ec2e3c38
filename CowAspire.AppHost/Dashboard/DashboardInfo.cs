using System.Security.Cryptography;
using System.Text;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;

namespace CowAspire.AppHost.Dashboard;

/// <summary>Where the dashboard listens and the token that opens it.</summary>
public sealed class DashboardInfo(IServer server, string token)
{
    public string Token { get; } = token;

    /// <summary>The address Kestrel bound (known once the host has started).</summary>
    public string BaseUrl => server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
        ?? throw new InvalidOperationException("The dashboard is not listening yet.");

    public string LoginUrl => $"{BaseUrl}/login?t={Uri.EscapeDataString(Token)}";

    public bool IsToken(string? candidate) =>
        candidate is not null
        && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(candidate), Encoding.UTF8.GetBytes(Token));
}
