using System.Net;
using System.Net.Security;
using System.Net.Sockets;

namespace CowAspire.Bench.Client;

/// <summary>How one response ended.</summary>
/// <param name="Status">The HTTP status (0 when none arrived).</param>
/// <param name="Error">Why the connection failed, or null when the server ended the response.</param>
public readonly record struct SseOutcome(int Status, string? Error);

/// <summary>
/// One subscriber as a separate browser is: its own TCP connection from its own source address, its own TLS
/// session (none for h1c), one SSE request on it (HTTP/2 or HTTP/1.1 by ALPN). Plain sockets and <see cref="SslStream"/> with a
/// minimal reader per protocol instead of <c>HttpClient</c>: at 10,000 connections on two cores shared with the
/// server, the client has to cost much less per event than the server it measures.
/// </summary>
public static class SseConnection
{
    /// <summary>Read buffer per connection: holds several TLS records' worth of events.</summary>
    public const int BufferSize = 4096;

    /// <summary>Connects, subscribes and reads until the response ends, the connection breaks or <paramref name="stop"/>.</summary>
    public static async Task<SseOutcome> RunAsync(SseEndpoint endpoint, IPAddress source, SseScanner scanner, string? lastEventId,
        Action? onConnected, CancellationToken stop)
    {
        var socket = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            SourceAddresses.Bind(socket, source);
            await socket.ConnectAsync(endpoint.Server, stop);
            await using var connection = await SecureAsync(new NetworkStream(socket, ownsSocket: true), endpoint, stop);
            onConnected?.Invoke();
            scanner.Reset();
            return endpoint.Protocol == WireProtocol.Http2
                ? await new Http2Reader(connection, scanner).RunAsync(endpoint, lastEventId, stop)
                : await Http1Reader.RunAsync(connection, scanner, endpoint, lastEventId, stop);
        }
        catch (OperationCanceledException) when (stop.IsCancellationRequested)
        {
            return new SseOutcome(0, null);
        }
        catch (Exception ex) when (ex is IOException or SocketException or InvalidDataException or System.Security.Authentication.AuthenticationException or ObjectDisposedException)
        {
            return new SseOutcome(0, ex is SocketException se ? $"{se.SocketErrorCode}" : ex.GetType().Name);
        }
        finally
        {
            socket.Dispose();
        }
    }

    /// <summary>The socket's stream itself for plain TCP; else a TLS session on it, after a full handshake.</summary>
    private static async Task<Stream> SecureAsync(NetworkStream network, SseEndpoint endpoint, CancellationToken stop)
    {
        if (!SseEndpoint.UsesTls(endpoint.Protocol))
        {
            return network;
        }
        var tls = new SslStream(network, leaveInnerStreamOpen: false);
        try
        {
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = "localhost",
                // Separate browsers share no TLS session: every connection pays for a full handshake on both servers
                // (with resumption, nginx resumed and Kestrel did not, which made set-up a comparison of caches).
                AllowTlsResume = false,
                ApplicationProtocols = [endpoint.Protocol == WireProtocol.Http2 ? SslApplicationProtocol.Http2 : SslApplicationProtocol.Http11],
                RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
                    errors == SslPolicyErrors.None || (certificate is not null && endpoint.Trusts(certificate)),
            }, stop);
            return tls;
        }
        catch
        {
            await tls.DisposeAsync();
            throw;
        }
    }
}
