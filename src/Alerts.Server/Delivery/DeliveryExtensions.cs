using Alerts.Security;
using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

public static class DeliveryExtensions
{
    public static IServiceCollection AddAlertsDelivery(this IServiceCollection services)
    {
        services.AddOptions<VapidOptions>().BindConfiguration(VapidOptions.SectionKey).ValidateOnStart();
        services.AddSingleton<IValidateOptions<VapidOptions>, VapidOptionsValidator>();
        services.AddOptions<PushOptions>().BindConfiguration(PushOptions.SectionKey).ValidateOnStart();
        services.AddSingleton<IValidateOptions<PushOptions>, PushOptionsValidator>();
        services.AddSingleton(sp => new PushEndpointPolicy(sp.GetRequiredService<IOptions<PushOptions>>()));
        services.AddSingleton<VapidKeyring>();
        services.AddSingleton<IPushSender, WebPushSender>();
        services.AddSingleton<PushDispatcher>();
        services.AddSingleton<WorkerDrain>();
        services.AddSingleton<Notifications.ClickTokens>();
        services.AddScoped<NotificationPlanner>();
        services.AddScoped<NotificationCompletion>();
        services.AddScoped<BatchDelivery>();
        services.AddSingleton<SilentReaders>();
        services.AddScoped<BatchPayloads>();
        // A stopping worker drains its pushes in flight (DrainTimeout) and records them before the host gives up on it.
        services.AddOptions<HostOptions>().Configure<IOptions<PushOptions>>((host, push) =>
            host.ShutdownTimeout = push.Value.DrainTimeout + TimeSpan.FromSeconds(15));
        services.AddOptions<MassTransit.MassTransitHostOptions>().Configure<IOptions<PushOptions>>((bus, push) =>
            bus.StopTimeout = push.Value.DrainTimeout + TimeSpan.FromSeconds(10));
        services.AddHttpClient(WebPushSender.HttpClientName, (sp, client) =>
                PushHttp.ConfigureClient(client, sp.GetRequiredService<IOptions<PushOptions>>().Value))
            .ConfigurePrimaryHttpMessageHandler(sp => PushHttp.CreateHandler(sp.GetRequiredService<IOptions<PushOptions>>().Value))
            // The request log lines carry the endpoint URL, which is the reader's capability: none are written.
            .RemoveAllLoggers();
        return services;
    }

    public static IEndpointRouteBuilder MapVapidApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/vapid-public-key", (VapidKeyring keys) => TypedResults.Ok(new { publicKey = keys.PublicKey }))
            .RequireRateLimiting(RateLimiting.ReadPolicy).RequireCors(CorsSetup.PublicPolicy)
            .WithName("GetVapidPublicKey").WithSummary("The application server key browsers subscribe with.");
        return app;
    }
}
