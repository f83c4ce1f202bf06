using System.Text.Json.Serialization;
using Alerts.Articles;
using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Sections;
using Alerts.WebPush;
using Microsoft.Extensions.Options;

namespace Alerts.Notifications;

/// <summary>The body of <c>POST /api/alerts</c>. Sections null means everyone.</summary>
public sealed record EditorAlertRequest(
    string? Title, string? Body, string? Url, string? ImageUrl, IReadOnlyList<string>? Sections, long? TtlSeconds, DateTimeOffset? SendAt)
{
    // Variants, Test and ThrottlePerMinute are left out when absent, so an ordinary alert's idempotency hash is what it always was.

    /// <summary>Pushes a minute to spread the fan-out at (see <see cref="Delivery.Pacing"/>); null: as fast as possible.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public long? ThrottlePerMinute { get; init; }

    /// <summary>A headline test: 2–4 headlines raced on a sample (see <see cref="HeadlineTests"/>); the first is the alert's title and body.</summary>
    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public IReadOnlyList<HeadlineVariantRequest>? Variants { get; init; }

    [JsonIgnore(Condition = JsonIgnoreCondition.WhenWritingNull)]
    public HeadlineTestRequest? Test { get; init; }

    /// <summary>The alert's own headline: the title and body given, or else the first variant's.</summary>
    [JsonIgnore]
    public string? HeadlineTitle => string.IsNullOrWhiteSpace(Title) && Variants is [{ } first, ..] ? first.Title : Title;

    [JsonIgnore]
    public string? HeadlineBody => string.IsNullOrWhiteSpace(Body) && Variants is [{ } first, ..] ? first.Body : Body;
}

public static class EditorAlertLimits
{
    public const int TitleLength = 120;
    public const int BodyLength = 400;
    public const int MinTtlSeconds = 60;
    public const int MaxTtlSeconds = 2_419_200; // 28 days, the longest TTL push services keep a message
    public const int MaxSections = 64;
    public const int IdempotencyKeyLength = 200;
    public const int MaxThrottlePerMinute = Pacing.MaxPerMinute;
    public static readonly TimeSpan LongestSchedule = TimeSpan.FromDays(30);

    /// <summary>An alert's (or a correction's, or a variant's) title and body: both required, each within its length.</summary>
    /// <param name="prefix">Names the fields of a part of the request, e.g. <c>variants[1].</c></param>
    public static void CheckText(ValidationErrors errors, string? title, string? body, string prefix = "")
    {
        title = title?.Trim();
        body = body?.Trim();
        if (string.IsNullOrEmpty(title)) errors.Add(prefix + "title", "is required");
        else if (title.Length > TitleLength) errors.Add(prefix + "title", $"must be at most {TitleLength} characters (it has {title.Length})");
        if (string.IsNullOrEmpty(body)) errors.Add(prefix + "body", "is required");
        else if (body.Length > BodyLength) errors.Add(prefix + "body", $"must be at most {BodyLength} characters (it has {body.Length})");
    }
}

/// <summary>
/// Checks an editor's alert and builds the notification it becomes. Every problem names its field, and
/// an alert whose encrypted push would not fit in one 4096-byte record is refused, saying by how much,
/// rather than silently shortened.
/// </summary>
public sealed class EditorAlertValidator(SectionCatalog sections, IOptions<PushOptions> push, TimeProvider time)
{
    public ValidationErrors Validate(EditorAlertRequest? request)
    {
        var errors = new ValidationErrors();
        if (request is null)
        {
            errors.Add("body", "an alert JSON object is required");
            return errors;
        }
        if (request.Variants is null) EditorAlertLimits.CheckText(errors, request.Title, request.Body);
        else
            for (var i = 0; i < request.Variants.Count; i++)
                EditorAlertLimits.CheckText(errors, request.Variants[i]?.Title, request.Variants[i]?.Body, $"variants[{i}].");
        if (WebUrls.Check(request.Url?.Trim(), required: true) is { } urlProblem) errors.Add("url", urlProblem);
        if (WebUrls.Check(request.ImageUrl?.Trim(), required: false) is { } imageProblem) errors.Add("imageUrl", imageProblem);

        if (request.Sections is { } chosen)
        {
            if (chosen.Count == 0) errors.Add("sections", "choose at least one section, or send null for everyone");
            else if (chosen.Count > EditorAlertLimits.MaxSections) errors.Add("sections", $"at most {EditorAlertLimits.MaxSections} sections");
            else
                foreach (var id in chosen.Where(id => id is null || !sections.Contains(id)))
                    errors.Add("sections", $"'{id}' is not a section (see GET /api/sections)");
        }

        if (request.TtlSeconds is { } ttl && ttl is < EditorAlertLimits.MinTtlSeconds or > EditorAlertLimits.MaxTtlSeconds)
            errors.Add("ttlSeconds", $"must be between {EditorAlertLimits.MinTtlSeconds} and {EditorAlertLimits.MaxTtlSeconds} seconds (28 days)");

        if (request.ThrottlePerMinute is { } rate && rate is < 1 or > EditorAlertLimits.MaxThrottlePerMinute)
            errors.Add("throttlePerMinute", $"must be between 1 and {EditorAlertLimits.MaxThrottlePerMinute} pushes a minute; leave it out to send as fast as possible");

        if (request.SendAt is { } sendAt)
        {
            var now = time.GetUtcNow();
            if (sendAt < now) errors.Add("sendAt", $"{sendAt.UtcDateTime:yyyy-MM-dd'T'HH:mm:ss'Z'} is in the past; leave it out to send now");
            else if (sendAt > now + EditorAlertLimits.LongestSchedule) errors.Add("sendAt", $"must be within {EditorAlertLimits.LongestSchedule.TotalDays} days");
        }

        HeadlineTests.Check(errors, request, (int?)request.TtlSeconds ?? push.Value.BreakingTtlSeconds);

        if (!errors.Any)
        {
            // The payload carries the notification id, so measure it with a real (fixed-length) id; each headline must fit.
            var payload = NotificationPayloads.For(ToNotification(request, Guid.Empty, "", time.GetUtcNow().UtcDateTime), push.Value, sections);
            var headlines = request.Variants?.Select((v, i) => (Field: $"variants[{i}].body", Title: v.Title!.Trim(), Body: v.Body!.Trim()))
                ?? [("body", payload.Title, payload.Body)];
            foreach (var (field, title, body) in headlines)
            {
                var overflow = PushPayloadBuilder.Overflow(payload with { Title = title, Body = body });
                if (overflow > 0)
                    errors.Add(field, $"the encrypted push would be {overflow} bytes over the {PushMessageEncryptor.MaxBodyBytes}-byte limit; " +
                        "shorten the title, body or URLs");
            }
        }
        return errors;
    }

    /// <summary>The notification a valid request becomes: a breaking alert, urgent, with a topic per story URL.</summary>
    public Notification ToNotification(EditorAlertRequest request, Guid id, string createdBy, DateTime now)
    {
        var url = request.Url!.Trim();
        var imageUrl = string.IsNullOrWhiteSpace(request.ImageUrl) ? null : request.ImageUrl.Trim();
        var sendAt = request.SendAt?.UtcDateTime;
        var notification = new Notification
        {
            Id = id,
            Kind = NotificationKind.Breaking,
            Status = sendAt is null ? NotificationStatus.Queued : NotificationStatus.Scheduled,
            Title = request.HeadlineTitle!.Trim(),
            Body = request.HeadlineBody!.Trim(),
            Url = url,
            ImageUrl = imageUrl,
            Sections = Notification.JoinSections(request.Sections?.Distinct(StringComparer.Ordinal)),
            TtlSeconds = (int?)request.TtlSeconds ?? push.Value.BreakingTtlSeconds,
            Urgency = PushUrgency.High,
            // The same story URL gives the same topic: a correction replaces a first alert not yet delivered.
            Topic = NotificationTopics.For(url),
            CreatedAt = now,
            SendAt = sendAt,
            ThrottlePerMinute = (int?)request.ThrottlePerMinute,
            CreatedBy = createdBy,
        };
        if (request is { Variants: { } variants, Test: { Sample: { } sample, DecideAfterMinutes: { } minutes } })
        {
            notification.Variants = variants.Select((v, i) => new HeadlineVariant { NotificationId = id, Number = i + 1, Title = v.Title!.Trim(), Body = v.Body!.Trim() }).ToList();
            notification.TestSample = sample;
            notification.DecideAt = notification.DueAt.AddMinutes(minutes);
        }
        return notification;
    }
}
