namespace Alerts.Subscriptions;

public static class SubscriptionsExtensions
{
    public static IServiceCollection AddAlertsSubscriptions(this IServiceCollection services)
    {
        services.AddScoped<SubscriptionValidator>();
        services.AddScoped<SubscriptionRegistry>();
        services.AddScoped<SubscriptionImport>();
        return services;
    }
}
