using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.IntegrationTests.Infrastructure;

/// <summary>
/// Production mode with the service's clock in the test's hands. The clock starts a few hours behind
/// the wall clock so tests can move it forward by hours while the VAPID tokens it signs (valid 12 h
/// from the service's now) still satisfy a push service that checks them against the real time.
/// </summary>
public class FakeClockFixture : ProductionModeFixture
{
    public const string PublicBaseUrl = "https://alerts.news.example";

    public FakeTimeProvider Clock { get; } = new(StartOfHour(DateTimeOffset.UtcNow.AddHours(-8)).AddMinutes(5));

    protected override void Configure(Dictionary<string, string?> settings)
    {
        settings["Alerts:PublicBaseUrl"] = PublicBaseUrl;
        // No Hangfire server: the tests run the recurring jobs themselves on the fake clock, so a
        // wall-clock minute tick can never race them.
        settings["Alerts:Roles"] = "Api,Worker";
    }

    protected override void ConfigureServices(IServiceCollection services) => services.AddSingleton<TimeProvider>(Clock);

    /// <summary>Moves the clock to one minute past the next full hour (when hourly digests at :00 are due).</summary>
    public void AdvanceToJustAfterNextHour()
    {
        var now = Clock.GetUtcNow();
        Clock.SetUtcNow(StartOfHour(now).AddHours(1).AddMinutes(1));
    }

    private static DateTimeOffset StartOfHour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);
}
