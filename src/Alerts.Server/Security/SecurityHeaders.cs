namespace Alerts.Security;

/// <summary>
/// Headers on every answer. Pages, APIs and errors get a CSP that allows only this origin's scripts
/// and styles (no page has inline script or style) and may not be framed; images may come from any
/// http(s) origin because the editors' preview shows the alert's image where it lives.
/// The embed files (alerts.js, the reader modules and stylesheet it loads, sw.js) are loaded by publishers' pages and
/// workers on other origins, so they say so with Cross-Origin-Resource-Policy and carry no page policy of their own.
/// </summary>
public static class SecurityHeaders
{
    public const string ContentSecurityPolicy =
        "default-src 'self'; img-src 'self' https: http: data:; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";
    /// <summary>Hangfire's dashboard (Admin only) sets a few style attributes; it runs no inline script.</summary>
    public const string DashboardPolicy =
        "default-src 'self'; img-src 'self' data:; style-src 'self' 'unsafe-inline'; object-src 'none'; base-uri 'self'; form-action 'self'; frame-ancestors 'none'";

    public const string ReferrerPolicy = "strict-origin-when-cross-origin";

    /// <summary>
    /// Files publishers' pages and workers load from here: alerts.js, the reader modules it imports
    /// (js/subscribe-ui.js and js/reader/, whose subscription-db.js sw.js imports too), the card's stylesheet,
    /// and the service worker.
    /// </summary>
    public static bool IsEmbedFile(PathString path) =>
        path.Equals("/alerts.js", StringComparison.OrdinalIgnoreCase) || path.Equals("/sw.js", StringComparison.OrdinalIgnoreCase) ||
        path.Equals("/js/subscribe-ui.js", StringComparison.OrdinalIgnoreCase) ||
        path.StartsWithSegments("/js/reader", StringComparison.OrdinalIgnoreCase) ||
        path.Equals("/css/alerts-widget.css", StringComparison.OrdinalIgnoreCase);

    public static IApplicationBuilder UseSecurityHeaders(this IApplicationBuilder app) => app.Use((http, next) =>
    {
        http.Response.OnStarting(() =>
        {
            var headers = http.Response.Headers;
            headers.XContentTypeOptions = "nosniff";
            headers["Referrer-Policy"] = ReferrerPolicy;
            // Over https (directly, or as a known proxy forwarded it) browsers are told to stay on https.
            if (http.Request.IsHttps) headers.StrictTransportSecurity = "max-age=31536000";
            if (IsEmbedFile(http.Request.Path))
            {
                headers["Cross-Origin-Resource-Policy"] = "cross-origin";
            }
            else
            {
                headers.ContentSecurityPolicy = http.Request.Path.StartsWithSegments("/hangfire", StringComparison.OrdinalIgnoreCase)
                    ? DashboardPolicy
                    : ContentSecurityPolicy;
                headers.XFrameOptions = "DENY";
            }
            return Task.CompletedTask;
        });
        return next(http);
    });
}
