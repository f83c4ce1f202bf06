using System.Globalization;
using Alerts.Delivery;
using Alerts.Hosting;
using Alerts.Sections;
using Alerts.WebPush;

namespace Alerts.Subscriptions;

public sealed record PushKeysJson(string? P256dh, string? Auth);

public sealed record PushSubscriptionJson(string? Endpoint, double? ExpirationTime, PushKeysJson? Keys);

public sealed record DeliveryJson(string? Mode, string? At = null, string? Frequency = null);

public sealed record QuietHoursJson(string? From, string? To);

/// <summary>The body of POST and PUT /api/subscriptions (and one line of the admin import).</summary>
public sealed record SubscribeRequest(
    PushSubscriptionJson? Subscription,
    IReadOnlyList<string>? Sections,
    DeliveryJson? Delivery,
    QuietHoursJson? QuietHours,
    string? TimeZone,
    bool? Paused,
    int? MaxPerDay = null);

public sealed record PushTarget(string Endpoint, string P256dh, string Auth);

/// <summary>Checked preferences, ready to store.</summary>
public sealed record SubscriptionPreferences(
    IReadOnlyList<string> Sections,
    DeliveryMode Mode,
    DigestFrequency? Frequency,
    TimeOnly? DigestAt,
    TimeOnly? QuietFrom,
    TimeOnly? QuietTo,
    string TimeZone,
    bool Paused,
    int? MaxPerDay = null);

/// <summary>Checks a subscribe body field by field, so the answer names every field that is wrong.</summary>
public sealed class SubscriptionValidator(SectionCatalog sections, PushEndpointPolicy endpoints)
{
    public (PushTarget? Target, SubscriptionPreferences? Preferences) Validate(SubscribeRequest? request, bool subscriptionRequired, ValidationErrors errors)
    {
        if (request is null)
        {
            errors.Add("body", "a JSON object with subscription, sections and delivery is required");
            return (null, null);
        }
        var target = ValidateTarget(request.Subscription, subscriptionRequired, errors);
        var preferences = ValidatePreferences(request, errors);
        return errors.Any ? (null, null) : (target, preferences);
    }

    private PushTarget? ValidateTarget(PushSubscriptionJson? subscription, bool required, ValidationErrors errors)
    {
        if (subscription is null)
        {
            if (required) errors.Add("subscription", "is required (the browser's PushSubscription as JSON)");
            return null;
        }
        var endpoint = subscription.Endpoint?.Trim();
        if (string.IsNullOrEmpty(endpoint)) errors.Add("subscription.endpoint", "is required");
        else if (endpoint.Length > SubscriptionLimits.EndpointLength) errors.Add("subscription.endpoint", $"must be at most {SubscriptionLimits.EndpointLength} characters");
        else if (endpoints.Check(endpoint) is { } why) errors.Add("subscription.endpoint", why);

        var p256dh = subscription.Keys?.P256dh;
        var auth = subscription.Keys?.Auth;
        byte[] key = [], secret = [];
        if (subscription.Keys is null) errors.Add("subscription.keys", "is required (p256dh and auth)");
        else
        {
            if (string.IsNullOrEmpty(p256dh)) errors.Add("subscription.keys.p256dh", "is required");
            else if (p256dh.Length > 100 || !TryDecode(p256dh, out key) || key.Length != 65)
                errors.Add("subscription.keys.p256dh", "must be a base64url P-256 public key of 65 bytes");
            else if (!P256PublicKey.IsValid(key)) errors.Add("subscription.keys.p256dh", "is not a point on the P-256 curve");

            if (string.IsNullOrEmpty(auth)) errors.Add("subscription.keys.auth", "is required");
            else if (auth.Length > 40 || !TryDecode(auth, out secret) || secret.Length != 16)
                errors.Add("subscription.keys.auth", "must be a base64url secret of 16 bytes");
        }
        // Stored in one spelling each, so the same browser is recognised however it wrote them.
        return errors.Any ? null : new PushTarget(CanonicalPushTarget.Endpoint(endpoint!), CanonicalPushTarget.Key(key), CanonicalPushTarget.Key(secret));
    }

    private SubscriptionPreferences? ValidatePreferences(SubscribeRequest request, ValidationErrors errors)
    {
        var chosen = new List<string>();
        if (request.Sections is null || request.Sections.Count == 0) errors.Add("sections", "choose at least one section");
        else if (request.Sections.Count > SubscriptionLimits.MaxSections) errors.Add("sections", $"at most {SubscriptionLimits.MaxSections} sections");
        else
        {
            foreach (var id in request.Sections)
            {
                if (id is null || !sections.Contains(id)) errors.Add("sections", $"'{Truncate(id)}' is not a section (see GET /api/sections)");
                else if (!chosen.Contains(id)) chosen.Add(id);
            }
        }

        var mode = DeliveryMode.Instant;
        DigestFrequency? frequency = null;
        TimeOnly? at = null;
        switch (request.Delivery?.Mode?.Trim().ToLowerInvariant())
        {
            case null or "":
                errors.Add("delivery.mode", "is required: instant or digest");
                break;
            case "instant":
                break;
            case "digest":
                mode = DeliveryMode.Digest;
                switch (request.Delivery.Frequency?.Trim().ToLowerInvariant())
                {
                    case null or "" or "daily":
                        frequency = DigestFrequency.Daily;
                        at = ParseTime(request.Delivery.At, "delivery.at", required: true, errors);
                        break;
                    case "hourly":
                        frequency = DigestFrequency.Hourly;
                        at = ParseTime(request.Delivery.At, "delivery.at", required: false, errors);
                        break;
                    default:
                        errors.Add("delivery.frequency", "must be daily or hourly");
                        break;
                }
                break;
            default:
                errors.Add("delivery.mode", $"'{Truncate(request.Delivery.Mode)}' is not a delivery mode: instant or digest");
                break;
        }

        TimeOnly? quietFrom = null, quietTo = null;
        if (request.QuietHours is { } quiet)
        {
            quietFrom = ParseTime(quiet.From, "quietHours.from", required: true, errors);
            quietTo = ParseTime(quiet.To, "quietHours.to", required: true, errors);
            if (quietFrom is not null && quietFrom == quietTo) errors.Add("quietHours", "from and to must differ");
        }

        var timeZone = string.IsNullOrWhiteSpace(request.TimeZone) ? "UTC" : request.TimeZone.Trim();
        if (timeZone.Length > SubscriptionLimits.TimeZoneLength || !TimeZoneInfo.TryFindSystemTimeZoneById(timeZone, out _))
            errors.Add("timeZone", $"'{Truncate(timeZone)}' is not an IANA time zone such as Asia/Karachi");

        if (request.MaxPerDay is < SubscriptionLimits.MinPerDay or > SubscriptionLimits.MaxPerDay)
            errors.Add("maxPerDay", $"must be from {SubscriptionLimits.MinPerDay} to {SubscriptionLimits.MaxPerDay} article alerts a day, or null for no limit");

        return errors.Any ? null : new SubscriptionPreferences(chosen, mode, frequency, at, quietFrom, quietTo, timeZone, request.Paused ?? false, request.MaxPerDay);
    }

    private static TimeOnly? ParseTime(string? value, string field, bool required, ValidationErrors errors)
    {
        if (string.IsNullOrWhiteSpace(value))
        {
            if (required) errors.Add(field, "is required as HH:mm");
            return null;
        }
        if (TimeOnly.TryParseExact(value.Trim(), ["HH:mm", "H:mm"], CultureInfo.InvariantCulture, DateTimeStyles.None, out var time))
            return time;
        errors.Add(field, $"'{Truncate(value)}' is not a time of day as HH:mm");
        return null;
    }

    private static bool TryDecode(string value, out byte[] bytes)
    {
        try
        {
            bytes = System.Buffers.Text.Base64Url.DecodeFromChars(value.TrimEnd('='));
            return true;
        }
        catch (FormatException)
        {
            bytes = [];
            return false;
        }
    }

    private static string Truncate(string? value) => value is null ? "null" : value.Length <= 40 ? value : value[..40] + "…";
}
