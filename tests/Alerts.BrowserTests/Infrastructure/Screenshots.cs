using Microsoft.Playwright;

namespace Alerts.BrowserTests.Infrastructure;

/// <summary>Screenshots for the documentation, written to the repository's docs/screenshots on every run.</summary>
public static class Screenshots
{
    private static readonly Lazy<string> Folder = new(() =>
    {
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Alerts.sln"))) directory = directory.Parent;
        if (directory is null) throw new InvalidOperationException($"No Alerts.sln above {AppContext.BaseDirectory}.");
        return Directory.CreateDirectory(Path.Combine(directory.FullName, "docs", "screenshots")).FullName;
    });

    public static Task SaveScreenshotAsync(this IPage page, string fileName) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = Path.Combine(Folder.Value, fileName), FullPage = true });
}
