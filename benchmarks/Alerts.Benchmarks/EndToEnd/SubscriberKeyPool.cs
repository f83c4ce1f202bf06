using System.Text.Json;
using Alerts.Testing;

namespace Alerts.Benchmarks.EndToEnd;

/// <summary>
/// Real P-256 subscriber key pairs, generated once and reused across distinct endpoints: reader n has
/// key pair n mod the pool's size, so the sink can decrypt any reader's push.
/// </summary>
internal sealed class SubscriberKeyPool
{
    private readonly TestSubscriber[] _keys;

    public SubscriberKeyPool(int size) => _keys = [.. Enumerable.Range(0, size).Select(_ => TestSubscriber.Create())];

    public TestSubscriber For(int reader) => _keys[reader % _keys.Length];

    /// <summary>Decrypts reader n's push and returns the notification id in it.</summary>
    /// <exception cref="PushDecryptionException">It does not decrypt with the reader's keys.</exception>
    public string? NotificationIdIn(int reader, byte[] body)
    {
        var subscriber = For(reader);
        byte[] plaintext;
        // One key object serves many readers, and concurrent use of one key is not promised to be safe.
        lock (subscriber) plaintext = subscriber.Decrypt(body);
        using var json = JsonDocument.Parse(plaintext);
        return json.RootElement.TryGetProperty("id", out var id) ? id.GetString() : null;
    }
}
