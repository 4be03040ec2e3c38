using System.Net;
using System.Net.Sockets;

namespace CowAspire.Bench;

public static class LoopbackPort
{
    /// <summary>A loopback port free right now (the kernel's choice), for a server the bench is about to start.</summary>
    public static int Free()
    {
        using var listener = new TcpListener(IPAddress.Loopback, 0);
        listener.Start();
        return ((IPEndPoint)listener.LocalEndpoint).Port;
    }
}
