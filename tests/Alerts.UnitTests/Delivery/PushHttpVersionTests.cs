using System.Collections.Concurrent;
using System.Net;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using Alerts.Delivery;
using Alerts.WebPush;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.UnitTests.Delivery;

/// <summary>
/// The push client as the service builds it (<see cref="PushHttp"/>) against a real Kestrel push service:
/// HTTP/2 where the push service offers it over TLS (ALPN), HTTP/1.1 where it does not.
/// </summary>
public sealed class PushHttpVersionTests : IAsyncLifetime
{
    private const string Subject = "mailto:push@news.example";

    private readonly X509Certificate2 _certificate = SelfSignedCertificate();
    private readonly ConcurrentQueue<string> _protocols = new();
    private readonly VapidAuthentication _vapid = new(VapidKeys.Generate(), Subject, TimeProvider.System);
    private WebApplication _app = null!;
    private Uri _https = null!;
    private Uri _http = null!;

    public async Task InitializeAsync()
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // Like a browser vendor's push service: TLS, HTTP/1.1 and HTTP/2 offered by ALPN.
            kestrel.Listen(IPAddress.Loopback, 0, listen =>
            {
                listen.Protocols = HttpProtocols.Http1AndHttp2;
                listen.UseHttps(_certificate);
            });
            // A push service without TLS that speaks only HTTP/1.1 (a self-hosted one, or the test fakes).
            kestrel.Listen(IPAddress.Loopback, 0, listen => listen.Protocols = HttpProtocols.Http1);
        });
        _app = builder.Build();
        _app.MapPost("/push/{id}", (HttpContext context) =>
        {
            _protocols.Enqueue($"{context.Request.Scheme} {context.Request.Protocol}");
            return Results.Created($"/message/{Guid.NewGuid()}", null);
        });
        await _app.StartAsync();
        var addresses = _app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Select(a => new Uri(a)).ToList();
        _https = addresses.Single(a => a.Scheme == "https");
        _http = addresses.Single(a => a.Scheme == "http");
    }

    public async Task DisposeAsync()
    {
        await _app.DisposeAsync();
        _vapid.Dispose();
        _certificate.Dispose();
    }

    [Fact]
    public async Task A_push_service_that_offers_http2_over_tls_is_pushed_to_over_http2()
    {
        var options = new PushOptions { AllowedOrigins = [_https.GetLeftPart(UriPartial.Authority)] };
        var handler = PushHttp.CreateHandler(options);
        // Relaxed for the test only: the certificate is the test's own, and the service never connects to loopback over https.
        handler.SslOptions.RemoteCertificateValidationCallback = (_, presented, _, _) =>
            presented is not null && presented.GetCertHashString() == _certificate.GetCertHashString();
        handler.ConnectCallback = null;

        var response = await SendAsync(handler, options, new Uri(_https, $"/push/{Guid.NewGuid()}"));

        Assert.True(response.IsSuccess, $"The push service answered {response.StatusCode} {response.Reason}.");
        var protocol = Assert.Single(_protocols);
        Assert.True(protocol == "https HTTP/2", $"The push went over {protocol}; a push service that offers HTTP/2 by ALPN should be pushed to over HTTP/2.");
    }

    [Fact]
    public async Task A_push_service_without_tls_is_pushed_to_over_http11_without_failing()
    {
        var options = new PushOptions { AllowedOrigins = [_http.GetLeftPart(UriPartial.Authority)] };
        // Unchanged: a plain-http origin that is explicitly allowed may be on loopback.
        var handler = PushHttp.CreateHandler(options);

        var response = await SendAsync(handler, options, new Uri(_http, $"/push/{Guid.NewGuid()}"));

        Assert.True(response.IsSuccess, $"The push service answered {response.StatusCode} {response.Reason}.");
        var protocol = Assert.Single(_protocols);
        Assert.True(protocol == "http HTTP/1.1", $"The push went over {protocol}; a push service without TLS should be pushed to over HTTP/1.1.");
    }

    private async Task<PushResponse> SendAsync(SocketsHttpHandler handler, PushOptions options, Uri endpoint)
    {
        using var http = new HttpClient(handler);
        PushHttp.ConfigureClient(http, options);
        var client = new WebPushClient(http, _vapid);
        return await client.SendAsync(endpoint, new byte[100], new PushRequestOptions(60, PushUrgency.Normal), CancellationToken.None);
    }

    private static X509Certificate2 SelfSignedCertificate()
    {
        using var key = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var request = new CertificateRequest("CN=push.test", key, HashAlgorithmName.SHA256);
        var names = new SubjectAlternativeNameBuilder();
        names.AddIpAddress(IPAddress.Loopback);
        request.CertificateExtensions.Add(names.Build());
        request.CertificateExtensions.Add(new X509EnhancedKeyUsageExtension([new Oid("1.3.6.1.5.5.7.3.1")], critical: false)); // server authentication
        using var ephemeral = request.CreateSelfSigned(DateTimeOffset.UtcNow.AddMinutes(-5), DateTimeOffset.UtcNow.AddHours(1));
        // Through PKCS#12 so that Kestrel's TLS stack can use the private key on every platform.
        return X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pfx), null);
    }
}
