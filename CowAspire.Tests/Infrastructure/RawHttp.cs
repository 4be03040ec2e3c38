using System.Globalization;
using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace CowAspire.Tests.Infrastructure;

/// <summary>
/// HTTP/1.1 as bytes on a socket (TLS for https, offering only http/1.1), for requests no well-behaved client
/// sends: bad chunk sizes, bodies that stop arriving, oversized request lines and headers.
/// </summary>
public static class RawHttp
{
    /// <summary>
    /// Sends <paramref name="request"/> as it is and reads what comes back until the server closes the connection
    /// (every request here is one the server ends the connection after), then parses the first response.
    /// </summary>
    public static async Task<RawResponse> SendAsync(Uri endpoint, string request, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(TestConstants.DefaultTimeout);
        using var tcp = new TcpClient();
        await tcp.ConnectAsync(endpoint.Host, endpoint.Port, timeout.Token);
        Stream stream = tcp.GetStream();
        if (endpoint.Scheme == Uri.UriSchemeHttps)
        {
            var tls = new SslStream(stream, leaveInnerStreamOpen: false);
            await tls.AuthenticateAsClientAsync(new SslClientAuthenticationOptions
            {
                TargetHost = endpoint.Host,
                ApplicationProtocols = [SslApplicationProtocol.Http11],
                RemoteCertificateValidationCallback = (_, certificate, _, _) => IsDevelopmentCertificate(certificate),
            }, timeout.Token);
            stream = tls;
        }
        await using (stream)
        {
            await stream.WriteAsync(Encoding.Latin1.GetBytes(request), timeout.Token);
            await stream.FlushAsync(timeout.Token);
            using var received = new MemoryStream();
            try
            {
                await stream.CopyToAsync(received, timeout.Token);
            }
            catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
            {
                throw new TimeoutException($"{endpoint} did not answer and close within {TestConstants.DefaultTimeout.TotalSeconds:0} s; received: {Encoding.Latin1.GetString(received.ToArray())}");
            }
            catch (IOException) when (received.Length > 0)
            {
                // A reset after the answer (the server closed with our unread bytes pending): the answer stands.
            }
            return Parse(Encoding.UTF8.GetString(received.ToArray()));
        }
    }

    private static RawResponse Parse(string text)
    {
        var end = text.IndexOf("\r\n\r\n", StringComparison.Ordinal);
        Assert.True(end > 0, $"No complete HTTP response in: {text}");
        var lines = text[..end].Split("\r\n");
        var status = int.Parse(lines[0].Split(' ')[1], CultureInfo.InvariantCulture);
        var headers = lines.Skip(1).Select(l => l.Split(':', 2)).ToDictionary(p => p[0].Trim(), p => p[1].Trim(), StringComparer.OrdinalIgnoreCase);
        var body = text[(end + 4)..];
        if (headers.TryGetValue("Transfer-Encoding", out var encoding) && encoding.Contains("chunked", StringComparison.OrdinalIgnoreCase))
        {
            body = Dechunk(body);
        }
        else if (headers.TryGetValue("Content-Length", out var length))
        {
            body = body[..int.Parse(length, CultureInfo.InvariantCulture)];
        }
        return new RawResponse(status, headers, body);
    }

    private static string Dechunk(string chunked)
    {
        var body = new StringBuilder();
        var at = 0;
        while (true)
        {
            var lineEnd = chunked.IndexOf("\r\n", at, StringComparison.Ordinal);
            var size = int.Parse(chunked[at..lineEnd].Split(';')[0], NumberStyles.HexNumber, CultureInfo.InvariantCulture);
            if (size == 0)
            {
                return body.ToString();
            }
            body.Append(chunked, lineEnd + 2, size);
            at = lineEnd + 2 + size + 2;
        }
    }

    private static bool IsDevelopmentCertificate(X509Certificate? certificate) =>
        certificate is X509Certificate2 { Extensions: var extensions } && extensions.Any(e => e.Oid?.Value == "1.3.6.1.4.1.311.84.1.1");
}
