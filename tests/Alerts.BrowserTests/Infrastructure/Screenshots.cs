using Microsoft.Playwright;

namespace Alerts.BrowserTests.Infrastructure;

/// <summary>
/// Screenshots for the documentation. Every run takes them (so a page that no longer renders fails here);
/// they replace the repository's docs/screenshots only with ALERTS_UPDATE_SCREENSHOTS=1, and otherwise go
/// to the test output folder, so running the tests leaves the working tree as it was.
/// </summary>
public static class Screenshots
{
    public const string UpdateVariable = "ALERTS_UPDATE_SCREENSHOTS";

    private static readonly Lazy<string> Folder = new(() =>
    {
        if (Environment.GetEnvironmentVariable(UpdateVariable) != "1")
            return Directory.CreateDirectory(Path.Combine(AppContext.BaseDirectory, "screenshots")).FullName;
        var directory = new DirectoryInfo(AppContext.BaseDirectory);
        while (directory is not null && !File.Exists(Path.Combine(directory.FullName, "Alerts.sln"))) directory = directory.Parent;
        if (directory is null) throw new InvalidOperationException($"No Alerts.sln above {AppContext.BaseDirectory}.");
        return Directory.CreateDirectory(Path.Combine(directory.FullName, "docs", "screenshots")).FullName;
    });

    /// <summary>Where a screenshot of this name is written (see the class remarks).</summary>
    public static string PathFor(string fileName) => Path.Combine(Folder.Value, fileName);

    public static Task SaveScreenshotAsync(this IPage page, string fileName) =>
        page.ScreenshotAsync(new PageScreenshotOptions { Path = PathFor(fileName), FullPage = true });
}
