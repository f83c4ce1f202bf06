using System.Text.Json;
using Alerts.Digests;
using Alerts.Hosting;

namespace Alerts.Subscriptions;

/// <summary>
/// A checked import line, with what a subscribe through the API would store: the canonical endpoint
/// and its hash, the keys, a management token hash (of a token nobody is given: the reader's page gets
/// its own the next time it re-posts its subscription), and the first digest due time.
/// </summary>
public sealed record SubscriptionImportRow(
    int Line, Guid Id, PushTarget Target, string EndpointHash, string TokenHash, SubscriptionPreferences Preferences, DateTime? NextDigestAt)
{
    private static readonly JsonSerializerOptions Json = new(JsonSerializerDefaults.Web);

    /// <summary>Parses and checks one line with the public route's validator; the detail says why it is rejected.</summary>
    public static (SubscriptionImportRow? Row, string? Detail) Parse(ImportLine line, SubscriptionValidator validator, DateTime now, int maxLineBytes)
    {
        if (line.Json is null) return (null, $"the line is longer than {maxLineBytes} bytes");
        SubscribeRequest? request;
        try
        {
            request = JsonSerializer.Deserialize<SubscribeRequest>(line.Json, Json);
        }
        catch (JsonException e)
        {
            return (null, $"not a JSON subscribe body: {e.Message}");
        }

        var errors = new ValidationErrors();
        var (target, preferences) = validator.Validate(request, subscriptionRequired: true, errors);
        if (errors.Any) return (null, errors.Detail);

        var nextDigest = preferences!.Mode == DeliveryMode.Digest
            ? DigestSchedule.NextDue(preferences.Frequency ?? DigestFrequency.Daily, preferences.DigestAt, preferences.TimeZone, now)
            : (DateTime?)null;
        var row = new SubscriptionImportRow(line.Number, Guid.CreateVersion7(), target!, SubscriptionTokens.Hash(target!.Endpoint),
            SubscriptionTokens.Hash(SubscriptionTokens.NewToken()), preferences, nextDigest);
        return (row, null);
    }
}
