using Alerts.Notifications;

namespace Alerts.UnitTests.Notifications;

public sealed class AlertSpeedCacheTests
{
    [Fact]
    public void Figures_read_quickly_are_not_kept_so_small_alerts_stay_exact() =>
        Assert.Null(AlertSpeed.KeepFor(TimeSpan.FromMilliseconds(49)));

    [Theory]
    [InlineData(50, 500)]
    [InlineData(3_000, 30_000)]   // a million readers on a small machine
    [InlineData(10_000, 60_000)]  // never longer than a minute
    public void Slow_figures_are_kept_ten_times_as_long_as_they_took(int readMs, int keptMs) =>
        Assert.Equal(TimeSpan.FromMilliseconds(keptMs), AlertSpeed.KeepFor(TimeSpan.FromMilliseconds(readMs)));
}
