using System.Net;
using Alerts.Security;

namespace Alerts.UnitTests.Security;

/// <summary>Which addresses a push may never reach, and how clients are grouped for rate limits.</summary>
public sealed class NetworkRulesTests
{
    [Theory]
    [InlineData("127.0.0.1")]
    [InlineData("127.8.9.10")]
    [InlineData("10.1.2.3")]
    [InlineData("172.16.0.1")]
    [InlineData("172.31.255.254")]
    [InlineData("192.168.1.1")]
    [InlineData("169.254.169.254")]      // cloud metadata
    [InlineData("100.64.0.1")]           // CGNAT
    [InlineData("100.100.100.200")]      // a metadata service in CGNAT space
    [InlineData("0.0.0.0")]
    [InlineData("224.0.0.1")]
    [InlineData("255.255.255.255")]
    [InlineData("::1")]
    [InlineData("::")]
    [InlineData("fe80::1")]
    [InlineData("fc00::1")]
    [InlineData("fd00:ec2::254")]        // AWS metadata over IPv6 (ULA)
    [InlineData("::ffff:127.0.0.1")]     // IPv4-mapped
    [InlineData("::ffff:169.254.169.254")]
    [InlineData("64:ff9b::10.0.0.1")]    // NAT64 of a private address
    [InlineData("2002:c0a8:0101::1")]    // 6to4 of 192.168.1.1
    [InlineData("::127.0.0.1")]          // IPv4-compatible
    public void Non_public_addresses_are_refused(string address) =>
        Assert.True(ForbiddenAddresses.Contains(IPAddress.Parse(address)), $"{address} should be refused");

    [Theory]
    [InlineData("142.250.185.74")]       // fcm.googleapis.com
    [InlineData("8.8.8.8")]
    [InlineData("172.32.0.1")]
    [InlineData("100.128.0.1")]
    [InlineData("2a00:1450:4001:82b::200a")]
    [InlineData("64:ff9b::8.8.8.8")]
    public void Public_addresses_are_allowed(string address) =>
        Assert.False(ForbiddenAddresses.Contains(IPAddress.Parse(address)), $"{address} should be allowed");

    [Fact]
    public void Ipv6_clients_are_grouped_by_their_64()
    {
        var a = ClientAddress.PartitionKey(IPAddress.Parse("2001:db8:1:2::1"));
        Assert.Equal(a, ClientAddress.PartitionKey(IPAddress.Parse("2001:db8:1:2:ffff:eeee:dddd:cccc")));
        Assert.NotEqual(a, ClientAddress.PartitionKey(IPAddress.Parse("2001:db8:1:3::1")));
        Assert.Equal("2001:db8:1:2::/64", a);
    }

    [Fact]
    public void Ipv4_clients_are_single_addresses_also_when_mapped()
    {
        Assert.Equal("203.0.113.7", ClientAddress.PartitionKey(IPAddress.Parse("203.0.113.7")));
        Assert.Equal("203.0.113.7", ClientAddress.PartitionKey(IPAddress.Parse("::ffff:203.0.113.7")));
        Assert.NotEqual(ClientAddress.PartitionKey(IPAddress.Parse("203.0.113.7")), ClientAddress.PartitionKey(IPAddress.Parse("203.0.113.8")));
    }
}
