using System.Globalization;
using System.Net;
using System.Net.Sockets;

namespace CowAspire.Hosting.Orchestration;

internal static class PortAllocator
{
    private const int Span = 10_000;

    /// <summary>
    /// A loopback port free at this moment, for a child process to bind shortly after. It is drawn at random from
    /// just below the kernel's ephemeral range, where outgoing connections (the system picks those ports) never land,
    /// so it is far less likely to be taken before the child binds it than a port the kernel handed out for 0.
    /// </summary>
    public static int FreePort()
    {
        var ephemeralStart = EphemeralRangeStart();
        if (ephemeralStart > Span + 1024)
        {
            for (var attempt = 0; attempt < 50; attempt++)
            {
                var port = Random.Shared.Next(ephemeralStart - Span, ephemeralStart);
                if (TryBind(port))
                {
                    return port;
                }
            }
        }
        return Bind(0);
    }

    private static bool TryBind(int port)
    {
        try
        {
            Bind(port);
            return true;
        }
        catch (SocketException)
        {
            return false;
        }
    }

    private static int Bind(int port)
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, port));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }

    private static int EphemeralRangeStart()
    {
        try
        {
            var range = File.ReadAllText("/proc/sys/net/ipv4/ip_local_port_range").Split((char[]?)null, StringSplitOptions.RemoveEmptyEntries);
            return int.Parse(range[0], CultureInfo.InvariantCulture);
        }
        catch (Exception ex) when (ex is IOException or UnauthorizedAccessException or FormatException)
        {
            return 0;
        }
    }
}
