using System.Net;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;

namespace CowAspire.Bench.Client;

/// <summary>How subscribers speak to the server: HTTP/2 or HTTP/1.1 over TLS (ALPN picks which), or HTTP/1.1 over plain TCP.</summary>
public enum WireProtocol
{
    Http2,
    Http11,

    /// <summary>HTTP/1.1 without TLS, on the server's plain-HTTP port (h1c).</summary>
    Http11Plain,
}

/// <summary>Where and how one scenario's subscribers connect.</summary>
/// <param name="Server">The endpoint (loopback): TLS, or plain TCP for <see cref="WireProtocol.Http11Plain"/>.</param>
/// <param name="Path">The SSE path, e.g. <c>/events</c>.</param>
/// <param name="Protocol">HTTP/2 or HTTP/1.1, with or without TLS.</param>
/// <param name="Trusts">Accepts the server's certificate (both are self-signed on loopback).</param>
public sealed record SseEndpoint(IPEndPoint Server, string Path, WireProtocol Protocol, Func<X509Certificate, bool> Trusts)
{
    public static SseEndpoint From(Uri url, WireProtocol protocol, Func<X509Certificate, bool> trusts) =>
        new(new IPEndPoint(IPAddress.TryParse(url.Host, out var address) ? address : IPAddress.Loopback, url.Port), url.AbsolutePath, protocol, trusts);

    /// <summary>The Host / :authority value.</summary>
    public string Authority => $"{Server.Address}:{Server.Port}";

    public static string Name(WireProtocol protocol) => protocol switch
    {
        WireProtocol.Http2 => "HTTP/2 + TLS",
        WireProtocol.Http11 => "HTTP/1.1 + TLS",
        _ => "HTTP/1.1 (no TLS)",
    };

    /// <summary>The command line's name (--protocols), also used in file names.</summary>
    public static string Tag(WireProtocol protocol) => protocol switch
    {
        WireProtocol.Http2 => "h2",
        WireProtocol.Http11 => "h1",
        _ => "h1c",
    };

    public static bool UsesTls(WireProtocol protocol) => protocol != WireProtocol.Http11Plain;
}

/// <summary>
/// Spreads client connections over loopback source addresses (127.0.0.2, .3, …), so 10,000 connections and the
/// TIME_WAIT sockets of the previous scenario never run out of ephemeral ports on one address, and no per-address
/// cap on the server side is what refuses a stream.
/// </summary>
public static class SourceAddresses
{
    /// <summary>Connections per source address (--streams-per-address).</summary>
    public static int PerAddress { get; set; } = 1000;

    // Linux: IPPROTO_IP / IP_BIND_ADDRESS_NO_PORT. Lets bind() pick the port at connect(), per destination, instead
    // of reserving a port of the address for every socket whatever its destination.
    private const int SolIp = 0;
    private const int IpBindAddressNoPort = 24;

    public static IPAddress For(int client) => new([127, 0, (byte)(client / PerAddress / 250), (byte)(2 + (client / PerAddress % 250))]);

    public static void Bind(Socket socket, IPAddress source)
    {
        socket.SetRawSocketOption(SolIp, IpBindAddressNoPort, [1, 0, 0, 0]);
        socket.Bind(new IPEndPoint(source, 0));
    }
}
