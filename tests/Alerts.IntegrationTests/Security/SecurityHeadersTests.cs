using System.Net;

namespace Alerts.IntegrationTests.Security;

/// <summary>Every answer carries the security headers; the embed scripts carry the ones that let other sites load them.</summary>
public sealed class SecurityHeadersTests : IAsyncLifetime
{
    private EmbeddedServer _server = null!;

    public async Task InitializeAsync() => _server = await EmbeddedServer.StartAsync();

    [Theory]
    [InlineData("/")]
    [InlineData("/editor")]
    [InlineData("/notifications")]
    [InlineData("/digest/0192f1a4-5b6c-7d8e-9f00-112233445566")]
    [InlineData("/css/site.css")]
    [InlineData("/js/editor.js")]
    [InlineData("/api/sections")]
    [InlineData("/api/vapid-public-key")]
    [InlineData("/api/alerts")]
    [InlineData("/api/subscriptions/0192f1a4-5b6c-7d8e-9f00-112233445566")]
    [InlineData("/no-such-page")]
    public async Task Pages_apis_and_errors_have_csp_nosniff_and_referrer_policy(string path)
    {
        var response = await _server.Server.CreateClient().GetAsync(path);

        Assert.Equal("default-src 'self'", Header(response, "Content-Security-Policy")?.Split(';')[0]);
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
        Assert.Equal("DENY", Header(response, "X-Frame-Options"));
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("strict-origin-when-cross-origin", Header(response, "Referrer-Policy"));
    }

    [Theory]
    [InlineData("/alerts.js")]
    [InlineData("/sw.js")]
    [InlineData("/js/subscribe-ui.js")]
    public async Task Embed_scripts_may_be_loaded_by_publishers_sites(string path)
    {
        var response = await _server.Server.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("text/javascript", response.Content.Headers.ContentType?.MediaType);
        Assert.Equal("nosniff", Header(response, "X-Content-Type-Options"));
        Assert.Equal("cross-origin", Header(response, "Cross-Origin-Resource-Policy"));
        Assert.Null(Header(response, "X-Frame-Options"));
    }

    [Theory]
    [InlineData("/js/subscribe-ui.js")]
    [InlineData("/js/reader/subscribe.js")]
    [InlineData("/js/reader/subscription-db.js")]
    [InlineData("/css/alerts-widget.css")]
    public async Task Reader_modules_and_the_card_stylesheet_may_be_fetched_by_any_site(string path)
    {
        // Publishers' pages import the modules (always fetched with CORS) and fetch the stylesheet.
        using var request = new HttpRequestMessage(HttpMethod.Get, path);
        request.Headers.Add("Origin", "https://news.example.com");
        var response = await _server.Server.CreateClient().SendAsync(request);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("*", Header(response, "Access-Control-Allow-Origin"));
        Assert.Equal("cross-origin", Header(response, "Cross-Origin-Resource-Policy"));
        Assert.Equal("no-cache", Header(response, "Cache-Control"));
        Assert.Null(Header(response, "X-Frame-Options"));
    }

    [Theory]
    [InlineData("/")]
    [InlineData("/editor")]
    [InlineData("/notifications")]
    [InlineData("/digest/0192f1a4-5b6c-7d8e-9f00-112233445566")]
    [InlineData("/js/editor.js")]
    [InlineData("/js/editor/compose.js")]
    [InlineData("/css/site.css")]
    public async Task Pages_and_console_modules_are_revalidated_but_not_shared_across_origins(string path)
    {
        // Modules import one another: a cached one from the last release next to a new one breaks the page.
        var response = await _server.Server.CreateClient().GetAsync(path);

        Assert.Equal(HttpStatusCode.OK, response.StatusCode);
        Assert.Equal("no-cache", Header(response, "Cache-Control"));
        Assert.Null(Header(response, "Access-Control-Allow-Origin"));
        Assert.Contains("frame-ancestors 'none'", Header(response, "Content-Security-Policy"));
    }

    [Fact]
    public async Task Pages_have_no_inline_script_or_style_for_the_policy_to_break()
    {
        foreach (var page in new[] { "/", "/editor", "/notifications", "/digest/0192f1a4-5b6c-7d8e-9f00-112233445566" })
        {
            var html = await _server.Server.CreateClient().GetStringAsync(page);
            Assert.DoesNotMatch("<script(?![^>]*\\ssrc=)[^>]*>", html);
            Assert.DoesNotContain("<style", html);
            Assert.DoesNotMatch("\\s(style|on[a-z]+)=", html);
        }
    }

    [Fact]
    public async Task Over_https_browsers_are_told_to_stay_on_https()
    {
        var plain = await _server.Server.CreateClient().GetAsync("/");
        var secure = _server.Server.CreateClient();
        secure.BaseAddress = new Uri("https://localhost/");

        Assert.Null(Header(plain, "Strict-Transport-Security"));
        Assert.Equal("max-age=31536000", Header(await secure.GetAsync("/"), "Strict-Transport-Security"));
    }

    private static string? Header(HttpResponseMessage response, string name) =>
        response.Headers.TryGetValues(name, out var values) || response.Content.Headers.TryGetValues(name, out values)
            ? string.Join(",", values) : null;

    public async Task DisposeAsync() => await _server.DisposeAsync();
}
