using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Http;

namespace CowAspire.ServiceDefaults.Limits;

/// <summary>What a per-client limit counts by: the client's address, or for IPv6 its /64.</summary>
public static class ClientAddress
{
    /// <summary>
    /// An IPv6 client is usually given a whole /64 and can pick a new address in it at will, so a limit keyed on the
    /// full address would not limit it: IPv6 is keyed on its first 64 bits. IPv4 (also when mapped into IPv6) is kept whole.
    /// </summary>
    public static string Key(IPAddress? address)
    {
        if (address is null)
        {
            return "unknown";
        }
        if (address.IsIPv4MappedToIPv6)
        {
            address = address.MapToIPv4();
        }
        if (address.AddressFamily != AddressFamily.InterNetworkV6)
        {
            return address.ToString();
        }
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return $"{new IPAddress(bytes)}/64";
    }

    public static string Key(HttpContext context) => Key(context.Connection.RemoteIpAddress);
}
