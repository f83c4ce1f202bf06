using System.Net;
using System.Security.Cryptography;
using System.Text;
using Alerts.WebPush;
using BenchmarkDotNet.Attributes;
using Lib.Net.Http.WebPush;
using Lib.Net.Http.WebPush.Authentication;

namespace Alerts.Benchmarks;

/// <summary>
/// One push, as a worker sends it: encrypt for the subscriber (aes128gcm), sign or reuse the VAPID
/// token, build the request. The push service answers 201 at once, so the network is left out.
/// </summary>
[MemoryDiagnoser]
public class PushSendBenchmarks
{
    private const string Endpoint = "https://fcm.googleapis.com/fcm/send/benchmark";
    private static readonly byte[] Payload = Encoding.UTF8.GetBytes(
        "{\"id\":\"0193a1c4-7c1e-7d55-9a53-4f1b8f1d2e3a\",\"kind\":\"article\",\"title\":\"Leaders agree to meet in Paris for the centenary\"," +
        "\"body\":\"The meeting follows months of talks between the two governments.\",\"url\":\"https://news.example/world/summit\"," +
        "\"image\":\"https://news.example/img/1.jpg\",\"tag\":\"0193a1c4-7c1e-7d55-9a53-4f1b8f1d2e3a\",\"timestamp\":1540285200000}");

    private byte[] _p256dh = [];
    private byte[] _auth = [];
    private WebPushClient _ours = null!;
    private PushServiceClient _library = null!;
    private PushSubscription _librarySubscription = null!;
    private PushMessage _libraryMessage = null!;

    [GlobalSetup]
    public void Setup()
    {
        using var browser = ECDiffieHellman.Create(ECCurve.NamedCurves.nistP256);
        var point = browser.ExportParameters(false).Q;
        _p256dh = [0x04, .. point.X!, .. point.Y!];
        _auth = RandomNumberGenerator.GetBytes(16);
        var keys = VapidKeys.Generate();

        _ours = new WebPushClient(new HttpClient(new Accepting()), new Alerts.WebPush.VapidAuthentication(keys, "mailto:bench@example.com", TimeProvider.System));

        _library = new PushServiceClient(new HttpClient(new Accepting()))
        {
            DefaultAuthentication = new Lib.Net.Http.WebPush.Authentication.VapidAuthentication(keys.PublicKey, keys.PrivateKey) { Subject = "mailto:bench@example.com" },
        };
        _librarySubscription = new PushSubscription { Endpoint = Endpoint };
        _librarySubscription.SetKey(PushEncryptionKeyName.P256DH, System.Buffers.Text.Base64Url.EncodeToString(_p256dh));
        _librarySubscription.SetKey(PushEncryptionKeyName.Auth, System.Buffers.Text.Base64Url.EncodeToString(_auth));
        _libraryMessage = new PushMessage(new ByteArrayContent(Payload)) { TimeToLive = 3600, Urgency = PushMessageUrgency.Normal };
    }

    [Benchmark(Baseline = true, Description = "Lib.Net.Http.WebPush 3.3.1")]
    public Task Library() => _library.RequestPushMessageDeliveryAsync(_librarySubscription, _libraryMessage);

    [Benchmark(Description = "Alerts.WebPush")]
    public Task<PushResponse> Ours() =>
        _ours.SendAsync(new Uri(Endpoint), PushMessageEncryptor.Encrypt(Payload, _p256dh, _auth), new PushRequestOptions(3600, PushUrgency.Normal), CancellationToken.None);

    private sealed class Accepting : HttpMessageHandler
    {
        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken) =>
            Task.FromResult(new HttpResponseMessage(HttpStatusCode.Created));
    }
}
