using System.Text.Json;
using Alerts.Testing;
using Microsoft.Playwright;

namespace Alerts.BrowserTests.Infrastructure;

/// <summary>A notification as the service worker showed it (registration.getNotifications()).</summary>
public sealed record ShownNotification(string Title, string Body, string Tag, string? Url, string? Id);

/// <summary>
/// The browser side of Web Push, offline: a real pushManager.subscribe needs the browser vendor's push
/// service, so an init script answers with a subscription whose endpoint is the fake push service's
/// and whose keys the <see cref="TestSubscriber"/> owns; pushes reach the service worker through the
/// DevTools protocol (ServiceWorker.deliverPushMessage), as a real push would.
/// </summary>
public static class PushInBrowser
{
    /// <summary>Every page of the context gets a PushManager that "subscribes" to the fake push service.</summary>
    public static Task StubPushManagerAsync(this IBrowserContext context, FakePushService push, TestSubscriber subscriber)
    {
        var fake = JsonSerializer.Serialize(new { endpoint = push.EndpointFor(subscriber), keys = new { p256dh = subscriber.P256dh, auth = subscriber.Auth } });
        return context.AddInitScriptAsync($$"""
            (() => {
              if (!self.PushManager) return;
              const fake = {{fake}};
              const bytes = (value) => {
                const base64 = value.replace(/-/g, '+').replace(/_/g, '/');
                const binary = atob(base64 + '='.repeat((4 - base64.length % 4) % 4));
                return Uint8Array.from(binary, (c) => c.charCodeAt(0)).buffer;
              };
              let current = null;
              PushManager.prototype.subscribe = function (options) {
                const key = options && options.applicationServerKey;
                current = {
                  endpoint: fake.endpoint,
                  expirationTime: null,
                  options: { userVisibleOnly: true, applicationServerKey: key ? new Uint8Array(key).buffer : null },
                  getKey: (name) => bytes(fake.keys[name]),
                  toJSON: () => ({ endpoint: fake.endpoint, expirationTime: null, keys: fake.keys }),
                  unsubscribe: () => { current = null; return Promise.resolve(true); }
                };
                return Promise.resolve(current);
              };
              PushManager.prototype.getSubscription = function () { return Promise.resolve(current); };
            })();
            """);
    }

    /// <summary>Grants notification permission to one origin, as a reader who pressed "Allow".</summary>
    public static Task AllowNotificationsAsync(this IBrowserContext context, string origin) =>
        context.GrantPermissionsAsync(["notifications"], new BrowserContextGrantPermissionsOptions { Origin = origin });

    /// <summary>Delivers a push message (the decrypted plaintext) to the origin's service worker, over CDP.</summary>
    public static async Task DeliverPushAsync(this IPage page, string origin, string data)
    {
        var session = await page.Context.NewCDPSessionAsync(page);
        try
        {
            var registrationId = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
            session.Event("ServiceWorker.workerRegistrationUpdated").OnEvent += (_, e) =>
            {
                if (e is not { } update) return;
                foreach (var registration in update.GetProperty("registrations").EnumerateArray())
                {
                    if (registration.GetProperty("scopeURL").GetString()!.StartsWith(origin + "/", StringComparison.Ordinal) &&
                        !registration.GetProperty("isDeleted").GetBoolean())
                    {
                        registrationId.TrySetResult(registration.GetProperty("registrationId").GetString()!);
                    }
                }
            };
            await session.SendAsync("ServiceWorker.enable");
            var id = await registrationId.Task.WaitAsync(TimeSpan.FromSeconds(10));
            await session.SendAsync("ServiceWorker.deliverPushMessage", new Dictionary<string, object>
            {
                ["origin"] = origin,
                ["registrationId"] = id,
                ["data"] = data,
            });
        }
        finally
        {
            await session.DetachAsync();
        }
    }

    /// <summary>What registration.getNotifications() lists for the page's service worker.</summary>
    public static async Task<IReadOnlyList<ShownNotification>> ShownNotificationsAsync(this IPage page)
    {
        var list = await page.EvaluateAsync<JsonElement>("""
            async () => {
              const registration = await navigator.serviceWorker.ready;
              const shown = await registration.getNotifications();
              return shown.map((n) => ({ title: n.title, body: n.body, tag: n.tag, url: (n.data || {}).url || null, id: (n.data || {}).id || null }));
            }
            """);
        return list.EnumerateArray().Select(n => new ShownNotification(
            n.GetProperty("title").GetString()!, n.GetProperty("body").GetString()!, n.GetProperty("tag").GetString()!,
            n.GetProperty("url").GetString(), n.GetProperty("id").GetString())).ToList();
    }

    /// <summary>Polls getNotifications() until the condition holds; the failure lists what was shown.</summary>
    public static async Task<IReadOnlyList<ShownNotification>> WaitForNotificationsAsync(
        this IPage page, Func<IReadOnlyList<ShownNotification>, bool> condition, TimeSpan timeout)
    {
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<ShownNotification> shown = [];
        while (DateTime.UtcNow < deadline)
        {
            shown = await page.ShownNotificationsAsync();
            if (condition(shown)) return shown;
            await Task.Delay(50);
        }
        throw new TimeoutException($"The service worker shows: [{string.Join(", ", shown.Select(n => $"'{n.Title}' tag {n.Tag}"))}]");
    }
}
