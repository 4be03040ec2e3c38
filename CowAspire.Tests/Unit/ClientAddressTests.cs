using System.Net;
using CowAspire.ServiceDefaults.Limits;

namespace CowAspire.Tests.Unit;

public class ClientAddressTests
{
    [Theory]
    [InlineData("2001:db8:1:2:aaaa:bbbb:cccc:dddd", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:2::1", "2001:db8:1:2::/64")]
    [InlineData("2001:db8:1:3::1", "2001:db8:1:3::/64")]
    [InlineData("::1", "::/64")]
    public void Ipv6IsKeyedOnItsSlash64(string address, string key) =>
        Assert.Equal(key, ClientAddress.Key(IPAddress.Parse(address)));

    [Fact]
    public void AddressesAnIpv6ClientRotatesThroughShareOneKey()
    {
        var keys = Enumerable.Range(1, 20).Select(i => ClientAddress.Key(IPAddress.Parse($"2001:db8:5:6::{i:x}:{i * 7:x}"))).Distinct();

        Assert.Single(keys);
    }

    [Theory]
    [InlineData("203.0.113.7", "203.0.113.7")]
    [InlineData("::ffff:203.0.113.7", "203.0.113.7")]
    public void Ipv4IsKeyedWhole(string address, string key) =>
        Assert.Equal(key, ClientAddress.Key(IPAddress.Parse(address)));

    [Fact]
    public void NoAddressIsOneKey() => Assert.Equal("unknown", ClientAddress.Key((IPAddress?)null));
}
