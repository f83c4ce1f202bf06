using System.Net;
using System.Net.Sockets;

namespace Alerts.Security;

/// <summary>
/// The key that groups requests by client for rate limits: the IPv4 address, or the IPv6 /64 (one
/// home or one mobile device gets a whole /64, so counting single IPv6 addresses counts nothing).
/// </summary>
public static class ClientAddress
{
    public static string PartitionKey(IPAddress? address)
    {
        if (address is null) return "unknown";
        if (address.IsIPv4MappedToIPv6) address = address.MapToIPv4();
        if (address.AddressFamily != AddressFamily.InterNetworkV6) return address.ToString();
        var bytes = address.GetAddressBytes();
        Array.Clear(bytes, 8, 8);
        return new IPAddress(bytes) + "/64";
    }

    public static string PartitionKey(HttpContext http) => PartitionKey(http.Connection.RemoteIpAddress);
}
