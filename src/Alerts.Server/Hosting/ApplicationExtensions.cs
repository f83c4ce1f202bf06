using Alerts.Articles;
using Alerts.Delivery;
using Alerts.Digests;
using Alerts.Messaging;
using Alerts.Notifications;
using Alerts.Outbox;
using Alerts.Sections;
using Alerts.Security;
using Alerts.Storage;
using Alerts.Subscriptions;
using Alerts.Observability;
using Hangfire;
using Microsoft.AspNetCore.Diagnostics;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.AspNetCore.StaticFiles;
using Prometheus;

namespace Alerts.Hosting;

public static class ApplicationExtensions
{
    /// <summary>Registers every feature. Configuration mistakes throw here, naming the key.</summary>
    public static WebApplicationBuilder AddApplicationServices(this WebApplicationBuilder builder)
    {
        var configuration = builder.Configuration;
        var options = AlertsOptions.From(configuration);
        var services = builder.Services;
        services.AddSingleton(options);
        services.AddSingleton(TimeProvider.System);
        services.AddSections(configuration);
        services.AddProblemDetails();
        services.AddExceptionHandler<BadRequestExceptionHandler>();
        services.ConfigureHttpJsonOptions(json => json.SerializerOptions.Converters.Add(new System.Text.Json.Serialization.JsonStringEnumConverter()));
        services.AddAlertsStorage(configuration, options);
        services.AddAlertsMessaging(configuration, options);
        services.AddAlertsDelivery();
        services.AddAlertsOutbox(options);
        services.AddAlertsScheduler(configuration, options);
        services.AddAlertsDigests();
        services.AddApiKeyAuthentication(configuration);
        services.AddAlertsRateLimiting(configuration);
        services.AddAlertsForwardedHeaders();
        builder.AddAlertsManagement();
        services.AddAlertsCors(configuration);
        services.AddAlertsSubscriptions();
        services.AddEditorAlerts();
        services.AddHeadlineTests();
        services.AddAlertsObservability(configuration, options);
        return builder;
    }

    /// <summary>Prepares the store and keys before the first request or message is taken.</summary>
    public static async Task PrepareAsync(this WebApplication app)
    {
        // Options checked at start (ValidateOnStart) are checked now, before the store is touched.
        app.Services.GetRequiredService<Microsoft.Extensions.Options.IStartupValidator>().Validate();
        await app.Services.MigrateAlertsStoreAsync();
        // A worker whose queues exist with another type (classic ↔ quorum) stops here, saying what to do.
        await app.Services.CheckQueueTypesAsync();
        await app.Services.GetRequiredService<VapidKeyring>().LoadAsync(app.Services, CancellationToken.None);
        if (app.Services.GetRequiredService<AlertsOptions>().Has(ServerRoles.Scheduler))
        {
            app.Services.ScheduleDigestJobs();
            // Daily: the look back is two weeks, and the statement reads the whole ledger.
            app.Services.GetRequiredService<IRecurringJobManager>().AddOrUpdate<SilentReaders>(
                SilentReaders.JobId, sweep => sweep.RunAsync(CancellationToken.None), Cron.Daily(4));
            // Scheduled alerts now wait in the outbox; the recurring sweep of earlier versions is gone.
            app.Services.GetRequiredService<IRecurringJobManager>().RemoveIfExists("editor-alert-sweep");
        }
    }

    public static WebApplication MapApplication(this WebApplication app)
    {
        var options = app.Services.GetRequiredService<AlertsOptions>();
        app.UseAlertsForwardedHeaders();
        app.UseSecurityHeaders();
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.UseDefaultFiles();
        app.UseStaticFiles(new StaticFileOptions { OnPrepareResponse = PrepareStaticFile });
        app.UseRouting();
        app.UseManagementNetworks();
        app.UseRequestBodyLimits();
        app.UseCors();
        app.UseRateLimiter();
        app.UseFailedAuthThrottle();
        app.UseAuthentication();
        app.UseAuthorization();
        app.UseHttpMetrics();

        app.MapHealthChecks("/health/live", new HealthCheckOptions { Predicate = _ => false }).RestrictToManagement(app.Services, openByDefault: true);
        app.MapHealthChecks("/health/ready", new HealthCheckOptions { Predicate = check => check.Tags.Contains("ready"), ResponseWriter = HealthReportWriter.WriteAsync })
            .RestrictToManagement(app.Services, openByDefault: true);
        app.MapMetrics("/metrics").RestrictToManagement(app.Services, openByDefault: false);

        if (options.Has(ServerRoles.Api))
        {
            app.MapSectionsApi();
            app.MapVapidApi();
            app.MapSubscriptionsApi();
            app.MapArticlesApi();
            app.MapNotificationsApi();
            app.MapEditorAlertsApi();
            app.MapHeadlineTestsApi();
            app.MapDigestsApi();
            app.MapPages();
        }
        app.MapHangfireDashboard("/hangfire", new DashboardOptions
        {
            Authorization = [new AdminDashboardAuthorization()],
            // The dashboard is read with an API key header, not a cookie, so Hangfire's anti-forgery check does not apply.
            IgnoreAntiforgeryToken = true,
        }).RequireAuthorization(ApiKeyDefaults.AdminPolicy);
        return app;
    }

    /// <summary>
    /// Pages, scripts and stylesheets are revalidated on every load (cheap with ETags: an unchanged file
    /// answers 304). The scripts are ES modules that import one another, so a page must never combine a
    /// new module with a cached one from the last release (a missing export stops the whole page); and a
    /// publisher's one-line worker pulls sw.js in with importScripts, which browsers serve from the HTTP
    /// cache, so a cached copy would keep readers on an old worker long after a release.
    /// The embed files also answer cross-origin requests from any site: publishers' pages import the
    /// reader modules (browsers fetch module scripts with CORS) and fetch the card's stylesheet. They are
    /// public files sent without credentials, so "*" gives no site anything it could not fetch anyway;
    /// the API keeps its own list of publisher origins.
    /// </summary>
    private static void PrepareStaticFile(StaticFileResponseContext context)
    {
        var headers = context.Context.Response.Headers;
        var extension = Path.GetExtension(context.File.Name);
        if (extension.Equals(".js", StringComparison.OrdinalIgnoreCase) ||
            extension.Equals(".css", StringComparison.OrdinalIgnoreCase) ||
            extension.Equals(".html", StringComparison.OrdinalIgnoreCase))
        {
            headers.CacheControl = "no-cache";
        }
        if (SecurityHeaders.IsEmbedFile(context.Context.Request.Path))
        {
            headers.AccessControlAllowOrigin = "*";
        }
    }

    private static void MapPages(this WebApplication app)
    {
        app.MapGet("/notifications", (HttpContext http) => Page(app, http, "notifications.html"))
            .ExcludeFromDescription();
        app.MapGet("/editor", (HttpContext http) => Page(app, http, "editor.html"))
            .ExcludeFromDescription();
        app.MapGet("/digest/{id:guid}", (Guid id, HttpContext http) => Page(app, http, "digest.html"))
            .ExcludeFromDescription();
    }

    /// <summary>A page, revalidated on every load like the static ones (see PrepareStaticFile): it names the modules to run.</summary>
    private static IResult Page(WebApplication app, HttpContext http, string file)
    {
        http.Response.Headers.CacheControl = "no-cache";
        return Results.File(Path.Combine(app.Environment.WebRootPath, file), "text/html");
    }
}

/// <summary>Malformed JSON and wrong parameter types answer 400 problem+json saying what could not be read.</summary>
internal sealed class BadRequestExceptionHandler(IProblemDetailsService problems) : IExceptionHandler
{
    public async ValueTask<bool> TryHandleAsync(HttpContext http, Exception exception, CancellationToken cancellationToken)
    {
        if (exception is not BadHttpRequestException bad) return false;
        var detail = bad.InnerException is System.Text.Json.JsonException json
            ? $"The body is not valid JSON for this request: {json.Message}"
            : bad.Message;
        http.Response.StatusCode = bad.StatusCode;
        return await problems.TryWriteAsync(new ProblemDetailsContext
        {
            HttpContext = http,
            ProblemDetails = { Status = bad.StatusCode, Title = "The request is not valid", Detail = detail },
            Exception = exception,
        });
    }
}
