using System.Net;
using System.Net.Sockets;
using Alerts.Delivery;
using Microsoft.Extensions.Options;

namespace Alerts.Security;

/// <summary>
/// The push client's only way onto the network (a SocketsHttpHandler ConnectCallback). It resolves the
/// host itself and connects only to public addresses, so neither a subscription nor a DNS answer that
/// changes after subscribing (DNS rebinding) can point a push at loopback, the private networks,
/// link-local, CGNAT, ULA or a cloud metadata address. An origin listed explicitly as http: in
/// Alerts:Push:AllowedOrigins (a local push service for tests) may use any address.
/// </summary>
public sealed class PushConnectGuard
{
    private readonly HashSet<(string Host, int Port)> _trusted;

    public PushConnectGuard(IOptions<PushOptions> options) : this(options.Value.EffectiveAllowedOrigins) { }

    public PushConnectGuard(IEnumerable<string> allowedOrigins)
    {
        _trusted = allowedOrigins
            .Select(o => Uri.TryCreate(o.Trim(), UriKind.Absolute, out var uri) ? uri : null)
            .Where(uri => uri is { Scheme: "http" } && !uri.Host.StartsWith('*'))
            .Select(uri => (uri!.Host.ToLowerInvariant(), uri.Port))
            .ToHashSet();
    }

    public async ValueTask<Stream> ConnectAsync(SocketsHttpConnectionContext context, CancellationToken cancellationToken)
    {
        var host = context.DnsEndPoint.Host.Trim('[', ']');
        var port = context.DnsEndPoint.Port;
        var addresses = IPAddress.TryParse(host, out var literal)
            ? [literal]
            : await Dns.GetHostAddressesAsync(host, cancellationToken);
        var allowed = IsTrusted(context.InitialRequestMessage.RequestUri)
            ? addresses
            : addresses.Where(a => !ForbiddenAddresses.Contains(a)).ToArray();
        if (allowed.Length == 0)
            throw new PushDestinationRefusedException(
                $"Refused to connect to {host}:{port}: it resolves only to loopback, private, link-local or other non-public addresses.");

        var socket = new Socket(SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        try
        {
            await socket.ConnectAsync(allowed, port, cancellationToken);
            return new NetworkStream(socket, ownsSocket: true);
        }
        catch
        {
            socket.Dispose();
            throw;
        }
    }

    private bool IsTrusted(Uri? requestUri) =>
        requestUri is { Scheme: "http" } && _trusted.Contains((requestUri.Host.ToLowerInvariant(), requestUri.Port));
}

/// <summary>
/// The push client would not connect: the host resolves only to addresses a push must never reach.
/// SocketsHttpHandler hands it on as the InnerException of an HttpRequestException; retrying cannot help.
/// </summary>
public sealed class PushDestinationRefusedException(string message) : IOException(message);

/// <summary>Addresses a push must never reach: everything that is not the public internet.</summary>
public static class ForbiddenAddresses
{
    private static readonly System.Net.IPNetwork[] Networks =
    [
        .. new[]
        {
            "0.0.0.0/8", "10.0.0.0/8", "100.64.0.0/10", "127.0.0.0/8", "169.254.0.0/16", "172.16.0.0/12",
            "192.0.0.0/24", "192.0.2.0/24", "192.88.99.0/24", "192.168.0.0/16", "198.18.0.0/15", "198.51.100.0/24",
            "203.0.113.0/24", "224.0.0.0/4", "240.0.0.0/4",
            "::/128", "::1/128", "100::/64", "2001:db8::/32", "fc00::/7", "fe80::/10", "fec0::/10", "ff00::/8",
        }.Select(n => System.Net.IPNetwork.Parse(n)),
    ];

    private static readonly System.Net.IPNetwork Nat64 = System.Net.IPNetwork.Parse("64:ff9b::/96");
    private static readonly System.Net.IPNetwork SixToFour = System.Net.IPNetwork.Parse("2002::/16");

    public static bool Contains(IPAddress address)
    {
        if (address.IsIPv4MappedToIPv6) return Contains(address.MapToIPv4());
        if (address.AddressFamily == AddressFamily.InterNetworkV6)
        {
            // IPv6 forms that carry an IPv4 address are judged by that address.
            var bytes = address.GetAddressBytes();
            if (Nat64.Contains(address)) return Contains(new IPAddress(bytes.AsSpan(12, 4)));
            if (SixToFour.Contains(address)) return Contains(new IPAddress(bytes.AsSpan(2, 4)));
            if (bytes.AsSpan(0, 12).IndexOfAnyExcept((byte)0) < 0) return true; // IPv4-compatible ::a.b.c.d (deprecated)
            if (address.ScopeId != 0) address = new IPAddress(bytes);
        }
        foreach (var network in Networks)
            if (network.Contains(address)) return true;
        return false;
    }
}
