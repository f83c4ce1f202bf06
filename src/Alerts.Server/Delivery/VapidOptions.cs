using Alerts.WebPush;
using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>The service's VAPID identity (Alerts:Vapid): a contact, and optionally a publisher's existing key pair.</summary>
public sealed class VapidOptions
{
    public const string SectionKey = "Alerts:Vapid";
    public const string DefaultSubject = "mailto:alerts@example.com";

    /// <summary>A mailto: or https: contact that push services see in every token.</summary>
    public string? Subject { get; set; }

    /// <summary>Base64url P-256 public key; set with <see cref="PrivateKey"/> to keep an existing audience, else generated and stored.</summary>
    public string? PublicKey { get; set; }

    public string? PrivateKey { get; set; }

    public bool HasConfiguredKeys => !string.IsNullOrEmpty(PublicKey);
}

internal sealed class VapidOptionsValidator : IValidateOptions<VapidOptions>
{
    public ValidateOptionsResult Validate(string? name, VapidOptions options)
    {
        const string key = VapidOptions.SectionKey;
        if (options.Subject is { } subject && !(subject.StartsWith("mailto:", StringComparison.Ordinal) || subject.StartsWith("https:", StringComparison.Ordinal)))
            return ValidateOptionsResult.Fail($"Configuration key '{key}:Subject' must be a mailto: or https: contact.");
        if (string.IsNullOrEmpty(options.PublicKey) != string.IsNullOrEmpty(options.PrivateKey))
            return ValidateOptionsResult.Fail($"Configuration keys '{key}:PublicKey' and '{key}:PrivateKey' must be set together.");
        if (!options.HasConfiguredKeys) return ValidateOptionsResult.Success;
        try
        {
            VapidKeys.FromBase64Url(options.PublicKey!, options.PrivateKey!);
            return ValidateOptionsResult.Success;
        }
        catch (ArgumentException e)
        {
            // The message says what is wrong with the pair, never the key itself.
            return ValidateOptionsResult.Fail($"Configuration keys '{key}:PublicKey' and '{key}:PrivateKey' are not a P-256 key pair: {e.Message}");
        }
    }
}
