using Alerts.Delivery;
using Alerts.Notifications;

namespace Alerts.UnitTests.Delivery;

public sealed class PacingTests
{
    private static readonly DateTime Start = new(2026, 12, 3, 9, 0, 0, DateTimeKind.Utc);

    [Theory]
    [InlineData(null, 500, 500)]
    [InlineData(6_000, 500, 100)]    // 100 a second
    [InlineData(100, 500, 2)]        // 1.67 a second, rounded up
    [InlineData(1, 500, 1)]
    [InlineData(1_000_000, 500, 500)] // never more than the usual batch
    public void A_batch_holds_a_seconds_share(int? perMinute, int batchSize, int expected) =>
        Assert.Equal(expected, Pacing.BatchSize(perMinute, batchSize));

    [Fact]
    public void Each_batch_is_due_when_the_readers_before_it_have_had_their_time()
    {
        Assert.Equal(Start, Pacing.BatchDueAt(Start, 0, 600, Start));
        Assert.Equal(Start.AddSeconds(30), Pacing.BatchDueAt(Start, 300, 600, Start));
        Assert.Equal(Start.AddMinutes(10), Pacing.BatchDueAt(Start, 6_000, 600, Start));
    }

    [Fact]
    public void A_batch_whose_turn_has_passed_is_due_now_and_an_unthrottled_one_always_is()
    {
        var later = Start.AddMinutes(5);
        Assert.Equal(later, Pacing.BatchDueAt(Start, 600, 600, later));
        Assert.Equal(Start, Pacing.BatchDueAt(Start.AddHours(1), 10_000, null, Start));
    }

    [Fact]
    public void A_throttled_notification_expires_its_ttl_after_its_last_readers_turn()
    {
        var notification = new Notification
        {
            Title = "t", Body = "b", Url = "https://news.example/a", CreatedAt = Start, TtlSeconds = 60,
            ThrottlePerMinute = 100, Targeted = 1_001,
        };
        Assert.Null(notification.ExpectedFinishAt); // not started yet
        Assert.Equal(Start.AddMinutes(1), notification.ExpiresAt);

        notification.StartedAt = Start;
        Assert.Equal(Start.AddMinutes(10), notification.ExpectedFinishAt);
        Assert.Equal(Start.AddMinutes(11), notification.ExpiresAt);

        notification.ThrottlePerMinute = null;
        Assert.Null(notification.ExpectedFinishAt);
        Assert.Equal(Start.AddMinutes(1), notification.ExpiresAt);
    }
}
