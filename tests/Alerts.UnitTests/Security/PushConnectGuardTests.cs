using System.Net;
using System.Net.Sockets;
using Alerts.Security;

namespace Alerts.UnitTests.Security;

/// <summary>
/// The push client's connect step, against a listener on loopback that counts connections: an origin
/// listed as http: may be reached; anything else that resolves to loopback is refused before connecting.
/// </summary>
public sealed class PushConnectGuardTests : IDisposable
{
    private readonly TcpListener _listener = new(IPAddress.Loopback, 0);
    private int _connections;

    public PushConnectGuardTests()
    {
        _listener.Start();
        _ = AcceptAsync();
    }

    private int Port => ((IPEndPoint)_listener.LocalEndpoint).Port;

    private async Task AcceptAsync()
    {
        try
        {
            while (true)
            {
                using var client = await _listener.AcceptTcpClientAsync();
                Interlocked.Increment(ref _connections);
                var stream = client.GetStream();
                var buffer = new byte[4096];
                _ = await stream.ReadAsync(buffer);
                await stream.WriteAsync("HTTP/1.1 201 Created\r\nContent-Length: 0\r\nConnection: close\r\n\r\n"u8.ToArray());
            }
        }
        catch (ObjectDisposedException) { }
        catch (SocketException) { }
    }

    private static HttpClient Client(params string[] allowedOrigins) =>
        new(new SocketsHttpHandler { ConnectCallback = new PushConnectGuard(allowedOrigins).ConnectAsync }) { Timeout = TimeSpan.FromSeconds(10) };

    [Fact]
    public async Task An_origin_listed_as_http_may_be_on_loopback()
    {
        var response = await Client($"http://127.0.0.1:{Port}").PostAsync($"http://127.0.0.1:{Port}/push/1", new StringContent("x"));
        Assert.Equal(HttpStatusCode.Created, response.StatusCode);
        Assert.Equal(1, _connections);
    }

    [Theory]
    [InlineData("http://127.0.0.1:{0}/push/1")]   // not listed
    [InlineData("http://localhost:{0}/push/1")]   // a name that resolves to loopback
    [InlineData("http://[::ffff:127.0.0.1]:{0}/push/1")]
    [InlineData("http://2130706433:{0}/push/1")]  // 127.0.0.1 as one number
    public async Task Loopback_is_refused_unless_listed(string endpoint)
    {
        var client = Client("https://fcm.googleapis.com", $"https://127.0.0.1:{Port}", "https://*.push.apple.com");
        var error = await Assert.ThrowsAsync<HttpRequestException>(() => client.PostAsync(string.Format(endpoint, Port), new StringContent("x")));
        Assert.IsType<PushDestinationRefusedException>(error.InnerException);
        Assert.Contains("Refused to connect", error.InnerException.Message);
        await Task.Delay(100);
        Assert.Equal(0, _connections);
    }

    public void Dispose() => _listener.Stop();
}
