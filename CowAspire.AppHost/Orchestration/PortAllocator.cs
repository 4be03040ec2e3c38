using System.Net;
using System.Net.Sockets;

namespace CowAspire.AppHost.Orchestration;

internal static class PortAllocator
{
    /// <summary>A loopback port free at this moment, for a child process to bind shortly after.</summary>
    public static int FreePort()
    {
        using var listener = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp);
        listener.Bind(new IPEndPoint(IPAddress.Loopback, 0));
        return ((IPEndPoint)listener.LocalEndPoint!).Port;
    }
}
