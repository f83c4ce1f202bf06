using Hangfire;
using Microsoft.Extensions.Options;

namespace Alerts.Digests;

public static class DigestsExtensions
{
    public static IServiceCollection AddAlertsDigests(this IServiceCollection services)
    {
        services.AddOptions<DigestOptions>().BindConfiguration(DigestOptions.SectionKey).ValidateOnStart();
        services.AddOptions<PublicSiteOptions>().BindConfiguration("Alerts").ValidateOnStart();
        services.AddSingleton<DigestOptionsValidator>();
        services.AddSingleton<IValidateOptions<DigestOptions>>(sp => sp.GetRequiredService<DigestOptionsValidator>());
        services.AddSingleton<IValidateOptions<PublicSiteOptions>>(sp => sp.GetRequiredService<DigestOptionsValidator>());
        services.AddSingleton<PublicLinks>();
        services.AddSingleton<DigestRunner>();
        services.AddScoped<DigestPlanner>();
        services.AddScoped<DigestPayloads>();
        services.AddSingleton<HeldDeliveryReleaser>();
        return services;
    }

    /// <summary>
    /// Registers the two recurring jobs (idempotent: every Scheduler replica does it at start-up).
    /// Every minute is fine-grained enough for hourly digests at a chosen minute, and each run is cheap
    /// when nothing is due: one indexed query each.
    /// </summary>
    public static void ScheduleDigestJobs(this IServiceProvider services)
    {
        var jobs = services.GetRequiredService<IRecurringJobManager>();
        jobs.AddOrUpdate<DigestRunner>(DigestRunner.JobId, runner => runner.RunAsync(CancellationToken.None), Cron.Minutely());
        jobs.AddOrUpdate<HeldDeliveryReleaser>(HeldDeliveryReleaser.JobId, releaser => releaser.RunAsync(CancellationToken.None), Cron.Minutely());
    }
}
