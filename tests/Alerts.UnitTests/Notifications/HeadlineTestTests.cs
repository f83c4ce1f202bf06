using Alerts.Delivery;
using Alerts.Notifications;
using Alerts.Sections;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.UnitTests.Notifications;

public sealed class HeadlineTestTests
{
    private static readonly DateTimeOffset Now = new(2026, 11, 27, 9, 0, 0, TimeSpan.Zero);
    private readonly EditorAlertValidator _validator =
        new(new SectionCatalog(SectionCatalog.SeedSite), Options.Create(new PushOptions()), new FakeTimeProvider(Now));

    private static readonly HeadlineVariantRequest A = new("Earthquake shakes the capital", "Officials confirmed the news minutes ago.");
    private static readonly HeadlineVariantRequest B = new("Capital shaken by a strong earthquake", "Buildings evacuated; no injuries reported yet.");

    private static EditorAlertRequest Tested(params HeadlineVariantRequest[] variants) =>
        new(null, null, "https://news.example/world/earthquake", null, ["world"], null, null)
        {
            Variants = variants,
            Test = new HeadlineTestRequest(0.1, 10),
        };

    private IReadOnlyList<string> FieldsWithErrors(EditorAlertRequest request)
    {
        var errors = _validator.Validate(request);
        return errors.Any ? errors.Detail.Split(". ", StringSplitOptions.RemoveEmptyEntries).Select(e => e[..e.IndexOf(':')]).Distinct().ToList() : [];
    }

    [Fact]
    public void Two_headlines_with_a_test_are_valid_and_the_first_is_the_alerts_own()
    {
        var request = Tested(A, B);
        Assert.Empty(FieldsWithErrors(request));

        var notification = _validator.ToNotification(request, Guid.NewGuid(), "desk", Now.UtcDateTime);

        Assert.Equal(A.Title, notification.Title);
        Assert.Equal(A.Body, notification.Body);
        Assert.Equal([1, 2], notification.Variants.Select(v => v.Number));
        Assert.Equal(B.Title, notification.Variants[1].Title);
        Assert.Equal(0.1, notification.TestSample);
        Assert.Equal(Now.UtcDateTime.AddMinutes(10), notification.DecideAt);
        Assert.True(notification.TestUndecided);
    }

    [Fact]
    public void A_scheduled_tests_decision_and_its_winners_expiry_count_from_its_send_time()
    {
        var notification = _validator.ToNotification(Tested(A, B) with { SendAt = Now.AddHours(1), TtlSeconds = 3600 }, Guid.NewGuid(), "desk", Now.UtcDateTime);

        Assert.Equal(Now.UtcDateTime.AddHours(1).AddMinutes(10), notification.DecideAt);
        // The winner goes out at the decision: its TTL counts from then, not from the send time.
        Assert.Equal(notification.DecideAt!.Value.AddSeconds(3600), notification.ExpiresAt);
        notification.DecidedAt = notification.DecideAt.Value.AddMinutes(1);
        Assert.Equal(notification.DecidedAt.Value.AddSeconds(3600), notification.ExpiresAt);
    }

    [Fact]
    public void One_or_five_headlines_name_variants()
    {
        Assert.Equal(["variants"], FieldsWithErrors(Tested(A)));
        Assert.Equal(["variants"], FieldsWithErrors(Tested(A, B, A, B, A)));
        Assert.Empty(FieldsWithErrors(Tested(A, B, A, B)));
    }

    [Fact]
    public void A_headline_without_a_title_or_over_long_names_that_variant()
    {
        Assert.Equal(["variants[1].title"], FieldsWithErrors(Tested(A, B with { Title = " " })));
        Assert.Equal(["variants[0].body"], FieldsWithErrors(Tested(A with { Body = new string('b', 401) }, B)));
    }

    [Fact]
    public void A_title_beside_the_variants_must_be_the_first_ones()
    {
        Assert.Empty(FieldsWithErrors(Tested(A, B) with { Title = A.Title, Body = A.Body }));
        var errors = _validator.Validate(Tested(A, B) with { Title = "Another headline" });
        Assert.Contains("title: differs from variants[0].title", errors.Detail);
    }

    [Fact]
    public void A_test_without_variants_or_variants_without_a_test_is_refused_saying_what_is_missing()
    {
        var noVariants = _validator.Validate(Tested() with { Title = A.Title, Body = A.Body, Variants = null });
        var noTest = _validator.Validate(Tested(A, B) with { Test = null });

        Assert.Contains("variants: a headline test needs 2 to 4 variants", noVariants.Detail);
        Assert.Contains("test: variants need a test", noTest.Detail);
    }

    [Theory]
    [InlineData(0.0)]
    [InlineData(0.001)]
    [InlineData(0.51)]
    [InlineData(1.0)]
    [InlineData(double.NaN)]
    public void Sample_out_of_range_names_test_sample(double sample) =>
        Assert.Equal(["test.sample"], FieldsWithErrors(Tested(A, B) with { Test = new HeadlineTestRequest(sample, 10) }));

    [Theory]
    [InlineData(0)]
    [InlineData(1441)]
    public void Decision_time_out_of_range_names_test_decideAfterMinutes(int minutes) =>
        Assert.Equal(["test.decideAfterMinutes"], FieldsWithErrors(Tested(A, B) with { Test = new HeadlineTestRequest(0.1, minutes) }));

    [Fact]
    public void Decision_must_come_before_the_ttl_runs_out()
    {
        var errors = _validator.Validate(Tested(A, B) with { TtlSeconds = 600, Test = new HeadlineTestRequest(0.1, 10) });
        Assert.Contains("test.decideAfterMinutes: must be shorter than the alert's TTL (600 seconds)", errors.Detail);
        Assert.Empty(FieldsWithErrors(Tested(A, B) with { TtlSeconds = 660, Test = new HeadlineTestRequest(0.1, 10) }));
    }

    [Fact]
    public void Each_headline_must_fit_the_push_and_the_one_that_does_not_is_named()
    {
        var url = "https://news.example/" + new string('a', 1200);
        var big = new HeadlineVariantRequest(new string('ب', 120), new string('報', 400));
        var errors = _validator.Validate(Tested(A, big) with { Url = url, ImageUrl = "https://news.example/" + new string('i', 1200) });

        Assert.Contains("variants[1].body: the encrypted push would be", errors.Detail);
        Assert.DoesNotContain("variants[0]", errors.Detail);
    }

    [Fact]
    public void A_readers_place_in_the_sample_is_the_same_every_time_and_differs_per_alert()
    {
        var alert = Guid.Parse("0193a3f0-7c1e-7000-8000-000000000001");
        var other = Guid.Parse("0193a3f0-7c1e-7000-8000-000000000002");
        var reader = Guid.Parse("5b0f3a52-32b1-4a4e-9d6f-0c2f1e0f4a11");

        var position = HeadlineTests.Position(alert, reader);

        Assert.Equal(position, HeadlineTests.Position(alert, reader));
        Assert.InRange(position, 0, 1);
        Assert.NotEqual(position, HeadlineTests.Position(other, reader));
        // Pinned: a change of the mix would move readers between sample and rest of a test in progress across an upgrade.
        Assert.Equal(0.8955, HeadlineTests.Position(alert, reader), 4);
    }

    [Theory]
    [InlineData(0.1)]
    [InlineData(0.2)]
    [InlineData(0.5)]
    public void The_sample_is_close_to_the_share_asked_for(double sample)
    {
        var alert = Guid.NewGuid();
        const int readers = 20_000;
        var sampled = Enumerable.Range(0, readers).Count(_ => HeadlineTests.InSample(alert, Guid.NewGuid(), sample));
        // Binomial: four standard deviations either side.
        var spread = 4 * Math.Sqrt(readers * sample * (1 - sample));
        Assert.InRange(sampled, readers * sample - spread, readers * sample + spread);
    }

    [Fact]
    public void Sampled_readers_are_split_evenly_across_the_variants_even_when_planned_in_pieces()
    {
        var counts = new int[4];
        var planned = 0;
        foreach (var piece in new[] { 7, 1, 13, 2 }) // as a resumed planner takes them: counting on from those planned before
            for (var i = 0; i < piece; i++)
                counts[HeadlineTests.VariantOf(planned++, 3) - 1]++;

        Assert.Equal([8, 8, 7, 0], counts);
    }

    [Fact]
    public void Best_click_rate_wins()
    {
        VariantFigures[] race = [new(1, 100, 3), new(2, 98, 5), new(3, 101, 4)];
        Assert.Equal(2, HeadlineTests.Winner(race));
    }

    [Fact]
    public void A_tie_goes_to_the_first_variant() =>
        Assert.Equal(1, HeadlineTests.Winner([new VariantFigures(2, 20, 2), new VariantFigures(1, 10, 1)]));

    [Fact]
    public void Nothing_sent_goes_to_the_first_variant() =>
        Assert.Equal(1, HeadlineTests.Winner([new VariantFigures(1, 0, 0), new VariantFigures(2, 0, 0)]));

    [Fact]
    public void A_variant_nobody_was_sent_does_not_beat_one_with_clicks() =>
        Assert.Equal(2, HeadlineTests.Winner([new VariantFigures(1, 0, 0), new VariantFigures(2, 10, 1)]));

    [Fact]
    public void The_decision_is_described_with_each_variants_rate()
    {
        var text = HeadlineTestDecision.Describe(2, [new VariantFigures(1, 1190, 24), new VariantFigures(2, 1200, 49)]);
        Assert.Equal("headline test: variant 2 won, 4.1 % of 1,200 clicked (variant 1: 2.0 % of 1,190)", text);
    }
}
