using System.Buffers.Binary;
using Alerts.Hosting;
using Microsoft.EntityFrameworkCore;
using Microsoft.EntityFrameworkCore.Metadata.Builders;

namespace Alerts.Notifications;

/// <summary>One headline of a test in <c>POST /api/alerts</c>: <c>variants: [{title, body}]</c>.</summary>
public sealed record HeadlineVariantRequest(string? Title, string? Body);

/// <summary><c>test: {sample, decideAfterMinutes}</c>: the share of the audience that races, and for how long.</summary>
public sealed record HeadlineTestRequest(double? Sample, int? DecideAfterMinutes);

/// <summary>
/// One headline of an alert under test. Number 1 is the alert's own title and body. Targeted counts the
/// readers planned with it: its share of the sample, and for the winner also everyone after the decision.
/// </summary>
public sealed class HeadlineVariant
{
    public Guid NotificationId { get; set; }
    public int Number { get; set; }
    public required string Title { get; set; }
    public required string Body { get; set; }
    public int Targeted { get; set; }
}

internal sealed class HeadlineVariantConfiguration : IEntityTypeConfiguration<HeadlineVariant>
{
    public void Configure(EntityTypeBuilder<HeadlineVariant> builder)
    {
        builder.ToTable("notification_variants");
        builder.HasKey(v => new { v.NotificationId, v.Number });
        builder.Property(v => v.Title).HasMaxLength(300);
        builder.Property(v => v.Body).HasMaxLength(4000);
        builder.HasOne<Notification>().WithMany(n => n.Variants).HasForeignKey(v => v.NotificationId).OnDelete(DeleteBehavior.Cascade);
    }
}

/// <summary>A variant's live figures: sent and clicked come from the ledger rows that carry its number.</summary>
public sealed record VariantFigures(int Number, int Sent, int Clicked)
{
    public double Rate => Sent == 0 ? 0 : (double)Clicked / Sent;
}

/// <summary>The rules of a headline test, kept apart from the store so they can be checked on their own.</summary>
public static class HeadlineTests
{
    public const int MinVariants = 2;
    public const int MaxVariants = 4;
    public const double MinSample = 0.01;
    public const double MaxSample = 0.5;
    public const int MinDecideAfterMinutes = 1;
    public const int MaxDecideAfterMinutes = 1440;

    /// <summary>
    /// Checks <c>variants</c> and <c>test</c> (the caller checks each variant's text and fit).
    /// Both or neither; a title or body given beside the variants must be the first variant's.
    /// </summary>
    public static void Check(ValidationErrors errors, EditorAlertRequest request, int ttlSeconds)
    {
        var variants = request.Variants;
        var test = request.Test;
        if (variants is null && test is null) return;
        if (variants is null)
        {
            errors.Add("variants", "a headline test needs 2 to 4 variants [{title, body}]; leave test out to send one headline");
            return;
        }
        if (variants.Count is < MinVariants or > MaxVariants)
            errors.Add("variants", $"give {MinVariants} to {MaxVariants} headlines (there are {variants.Count})");
        if (test is null)
        {
            errors.Add("test", "variants need a test {sample, decideAfterMinutes} saying how many readers race and for how long");
            return;
        }
        if (test.Sample is not { } sample || double.IsNaN(sample) || sample < MinSample || sample > MaxSample)
            errors.Add("test.sample", $"must be between {MinSample} and {MaxSample} (the share of the audience that gets a variant)");
        if (test.DecideAfterMinutes is not { } minutes || minutes is < MinDecideAfterMinutes or > MaxDecideAfterMinutes)
            errors.Add("test.decideAfterMinutes", $"must be between {MinDecideAfterMinutes} and {MaxDecideAfterMinutes} minutes");
        else if (minutes * 60L >= ttlSeconds)
            errors.Add("test.decideAfterMinutes", $"must be shorter than the alert's TTL ({ttlSeconds} seconds), or the winner would reach nobody");

        if (variants.Count == 0) return;
        var first = variants[0];
        if (first is null) return;
        if (request.Title is { } title && !string.IsNullOrWhiteSpace(title) && title.Trim() != first.Title?.Trim())
            errors.Add("title", "differs from variants[0].title; leave title out (the first variant is the alert's headline) or make them the same");
        if (request.Body is { } body && !string.IsNullOrWhiteSpace(body) && body.Trim() != first.Body?.Trim())
            errors.Add("body", "differs from variants[0].body; leave body out (the first variant is the alert's headline) or make them the same");
    }

    /// <summary>
    /// Where a reader falls in [0, 1) for this alert: a SplitMix64 mix of both ids' bytes, the same in every
    /// process and on every replan (string and HashCode hashes change per process), different per alert so
    /// the same readers are not always the sample.
    /// </summary>
    public static double Position(Guid notificationId, Guid subscriptionId)
    {
        Span<byte> bytes = stackalloc byte[32];
        notificationId.TryWriteBytes(bytes[..16]);
        subscriptionId.TryWriteBytes(bytes[16..]);
        ulong hash = 0;
        for (var i = 0; i < 4; i++) hash = Mix(hash ^ BinaryPrimitives.ReadUInt64LittleEndian(bytes[(i * 8)..]));
        return (hash >> 11) * (1.0 / (1UL << 53));
    }

    public static bool InSample(Guid notificationId, Guid subscriptionId, double sample) => Position(notificationId, subscriptionId) < sample;

    /// <summary>The variant (1-based) of the n-th sampled reader (0-based): round robin, so the split is even and a resumed planner agrees.</summary>
    public static int VariantOf(int sampledBefore, int variantCount) => sampledBefore % variantCount + 1;

    /// <summary>The best click-through rate wins; on a tie (or when nothing was sent) the first variant.</summary>
    public static int Winner(IEnumerable<VariantFigures> figures)
    {
        VariantFigures? best = null;
        foreach (var figure in figures.OrderBy(f => f.Number))
            if (best is null || figure.Rate > best.Rate) best = figure;
        return best?.Number ?? 1;
    }

    private static ulong Mix(ulong z)
    {
        z += 0x9E3779B97F4A7C15;
        z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9;
        z = (z ^ (z >> 27)) * 0x94D049BB133111EB;
        return z ^ (z >> 31);
    }
}
