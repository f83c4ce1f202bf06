using Alerts.Storage;
using Alerts.WebPush;
using Microsoft.EntityFrameworkCore;

namespace Alerts.Delivery;

/// <summary>
/// The service's VAPID identity. Keys come from Alerts:Vapid, or are generated once and kept in the
/// store so that every replica and every restart signs with the same key (subscriptions depend on it).
/// </summary>
public sealed class VapidKeyring(IConfiguration configuration, TimeProvider time, ILogger<VapidKeyring> logger) : IDisposable
{
    public const string SubjectKey = "Alerts:Vapid:Subject";
    public const string PublicKeyKey = "Alerts:Vapid:PublicKey";
    public const string PrivateKeyKey = "Alerts:Vapid:PrivateKey";
    private const string DefaultSubject = "mailto:alerts@example.com";
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

    /// <summary>Checks the configured subject and keys; fails start-up naming the key at fault.</summary>
    public static void ValidateConfiguration(IConfiguration configuration)
    {
        var subject = configuration[SubjectKey];
        if (subject is not null && !(subject.StartsWith("mailto:", StringComparison.Ordinal) || subject.StartsWith("https:", StringComparison.Ordinal)))
            throw new InvalidOperationException($"Configuration key '{SubjectKey}' must be a mailto: or https: contact.");
        var publicKey = configuration[PublicKeyKey];
        var privateKey = configuration[PrivateKeyKey];
        if (string.IsNullOrEmpty(publicKey) != string.IsNullOrEmpty(privateKey))
            throw new InvalidOperationException($"Configuration keys '{PublicKeyKey}' and '{PrivateKeyKey}' must be set together.");
        if (!string.IsNullOrEmpty(publicKey))
        {
            try
            {
                VapidKeys.FromBase64Url(publicKey, privateKey!);
            }
            catch (ArgumentException e)
            {
                throw new InvalidOperationException($"Configuration keys '{PublicKeyKey}' and '{PrivateKeyKey}' are not a P-256 key pair: {e.Message}");
            }
        }
    }

    public async Task LoadAsync(IServiceProvider services, CancellationToken cancellationToken)
    {
        var subject = configuration[SubjectKey];
        if (string.IsNullOrEmpty(subject))
        {
            subject = DefaultSubject;
            logger.LogWarning("{Key} is not set; push services will see {Subject}. Set a real contact address.", SubjectKey, subject);
        }

        var keys = configuration[PublicKeyKey] is { Length: > 0 } configuredPublic
            ? VapidKeys.FromBase64Url(configuredPublic, configuration[PrivateKeyKey]!)
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
