using Alerts.Storage;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;
using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>
/// The service's VAPID identity. Keys come from Alerts:Vapid (<see cref="VapidOptions"/>), or are generated
/// once and kept in the store so that every replica and every restart signs with the same key
/// (subscriptions depend on it).
/// </summary>
public sealed class VapidKeyring(IOptions<VapidOptions> options, TimeProvider time, ILogger<VapidKeyring> logger) : IDisposable
{
    private const string StoredPublic = "vapid.public-key";
    private const string StoredPrivate = "vapid.private-key";

    private VapidAuthentication? _authentication;

    public string PublicKey { get; private set; } = "";

    public VapidAuthentication Authentication =>
        _authentication ?? throw new InvalidOperationException("VAPID keys are not loaded yet.");

    /// <summary>
    /// A key for another purpose derived from the VAPID private key (HKDF-SHA256): every replica derives the
    /// same one, and no second secret needs keeping.
    /// </summary>
    public byte[] DeriveKey(string purpose) =>
        System.Security.Cryptography.HKDF.DeriveKey(System.Security.Cryptography.HashAlgorithmName.SHA256,
            System.Buffers.Text.Base64Url.DecodeFromChars(_privateKey ?? throw new InvalidOperationException("VAPID keys are not loaded yet.")),
            32, info: System.Text.Encoding.UTF8.GetBytes(purpose));

    private string? _privateKey;

    public async Task LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var settings = options.Value;
        var subject = settings.Subject;
        if (string.IsNullOrEmpty(subject))
        {
            subject = VapidOptions.DefaultSubject;
            logger.LogWarning("{Key} is not set; push services will see {Subject}. Set a real contact address.", $"{VapidOptions.SectionKey}:Subject", subject);
        }

        var keys = settings.HasConfiguredKeys
            ? VapidKeys.FromBase64Url(settings.PublicKey!, settings.PrivateKey!)
            : await LoadOrCreateStoredKeysAsync(services, cancellationToken);
        PublicKey = keys.PublicKey;
        _privateKey = keys.PrivateKey;
        _authentication = new VapidAuthentication(keys, subject, time);
        logger.LogInformation("VAPID public key {PublicKey}", keys.PublicKey);
    }

    private async Task<VapidKeys> LoadOrCreateStoredKeysAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        await using var scope = services.CreateAsyncScope();
        var db = scope.ServiceProvider.GetRequiredService<AlertsDbContext>();
        for (var attempt = 1; ; attempt++)
        {
            var stored = await db.Settings.AsNoTracking()
                .Where(s => s.Key == StoredPublic || s.Key == StoredPrivate)
                .ToDictionaryAsync(s => s.Key, s => s.Value, cancellationToken);
            if (stored.TryGetValue(StoredPublic, out var pub) && stored.TryGetValue(StoredPrivate, out var priv))
                return VapidKeys.FromBase64Url(pub, priv);

            var generated = VapidKeys.Generate();
            db.Settings.AddRange(
                new Setting { Key = StoredPublic, Value = generated.PublicKey },
                new Setting { Key = StoredPrivate, Value = generated.PrivateKey });
            try
            {
                await db.SaveChangesAsync(cancellationToken);
                logger.LogInformation("Generated VAPID keys and kept them in the store.");
                return generated;
            }
            catch (DbUpdateException e) when (attempt == 1 && db.IsUniqueViolation(e))
            {
                // Another replica generated them first: use theirs.
                db.ChangeTracker.Clear();
            }
        }
    }

    public void Dispose() => _authentication?.Dispose();
}
