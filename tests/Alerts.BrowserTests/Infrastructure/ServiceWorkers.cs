using System.Reflection;
using Microsoft.Playwright;

namespace Alerts.BrowserTests.Infrastructure;

public static class ServiceWorkers
{
    // Playwright for .NET tracks Chromium's service workers (context.serviceWorkers() in the other
    // languages) on its context class but has no IBrowserContext member for them.
    private static readonly PropertyInfo? Property = typeof(IBrowserContext).Assembly
        .GetType("Microsoft.Playwright.Core.BrowserContext")?.GetProperty("ServiceWorkers");

    /// <summary>The running service worker whose script is <paramref name="scriptUrl"/>, to evaluate code inside it.</summary>
    public static async Task<IWorker> WaitForServiceWorkerAsync(this IBrowserContext context, string scriptUrl, TimeSpan timeout)
    {
        if (Property is null) throw new InvalidOperationException("This Playwright version does not expose service workers; update ServiceWorkers.cs.");
        var deadline = DateTime.UtcNow + timeout;
        IReadOnlyList<IWorker> workers = [];
        while (DateTime.UtcNow < deadline)
        {
            workers = (IReadOnlyList<IWorker>)Property.GetValue(context)!;
            var worker = workers.FirstOrDefault(w => w.Url == scriptUrl);
            if (worker is not null) return worker;
            await Task.Delay(50);
        }
        throw new TimeoutException($"No service worker {scriptUrl}; running: [{string.Join(", ", workers.Select(w => w.Url))}]");
    }
}
