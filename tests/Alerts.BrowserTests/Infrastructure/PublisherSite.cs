using System.Net;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace Alerts.BrowserTests.Infrastructure;

/// <summary>
/// A publisher's own site on another loopback origin: one article page that embeds alerts.js the way
/// docs/reader-pages.md tells publishers to, and the one-line worker file that imports sw.js.
/// </summary>
public sealed class PublisherSite : IAsyncDisposable
{
    private readonly WebApplication _app;

    private PublisherSite(WebApplication app) => _app = app;

    /// <summary><c>http://127.0.0.1:port</c>.</summary>
    public string Origin { get; private set; } = "";

    /// <param name="alertsOrigin">Read at request time: the Alerts server may start after this site.</param>
    public static async Task<PublisherSite> StartAsync(Func<string> alertsOrigin)
    {
        var builder = WebApplication.CreateSlimBuilder(new WebApplicationOptions { Args = [], EnvironmentName = "Production" });
        builder.Logging.ClearProviders();
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(IPAddress.Loopback, 0));
        var app = builder.Build();

        app.MapGet("/", () => Results.Content($$"""
            <!doctype html>
            <html lang="en">
            <head>
              <meta charset="utf-8">
              <title>The Daily Example</title>
              <script src="{{alertsOrigin()}}/alerts.js" data-sections="world,sports" data-worker="/alerts-sw.js" async></script>
            </head>
            <body>
              <h1>The Daily Example</h1>
              <p>A publisher's page with the Alerts widget.</p>
            </body>
            </html>
            """, "text/html; charset=utf-8"));
        app.MapGet("/alerts-sw.js", () => Results.Content(
            $"self.ALERTS_ORIGIN='{alertsOrigin()}'; importScripts(self.ALERTS_ORIGIN + '/sw.js');\n", "text/javascript"));

        await app.StartAsync();
        var site = new PublisherSite(app);
        var address = app.Services.GetRequiredService<IServer>().Features.GetRequiredFeature<IServerAddressesFeature>().Addresses.Single();
        site.Origin = new Uri(address).GetLeftPart(UriPartial.Authority);
        return site;
    }

    public async ValueTask DisposeAsync() => await _app.DisposeAsync();
}
