using System.Diagnostics;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using Alerts.WebPush;

namespace Alerts.IntegrationTests;

/// <summary>
/// The server as an operator runs it (its own process, configured by environment variables) with
/// Logging:Console:FormatterName=json: every line on standard output is one JSON object, and no secret
/// it was given (API key, VAPID private key) appears in any of them.
/// </summary>
public sealed class JsonLogTests
{
    [Fact]
    public async Task Json_formatter_writes_one_object_per_line_and_never_a_secret()
    {
        var database = Path.Combine(Path.GetTempPath(), $"alerts-logs-{Guid.NewGuid():N}.db");
        var editorKey = $"editor-{Guid.NewGuid():N}";
        var vapid = VapidKeys.Generate();
        var start = new ProcessStartInfo("dotnet", [Path.Combine(AppContext.BaseDirectory, "Alerts.Server.dll")])
        {
            WorkingDirectory = AppContext.BaseDirectory,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            Environment =
            {
                ["ASPNETCORE_URLS"] = "http://127.0.0.1:0",
                ["ASPNETCORE_ENVIRONMENT"] = "Production",
                ["Logging__Console__FormatterName"] = "json",
                ["Logging__Console__FormatterOptions__IncludeScopes"] = "true",
                ["ConnectionStrings__Alerts"] = $"Data Source={database}",
                ["Alerts__ApiKeys__0__Name"] = "desk",
                ["Alerts__ApiKeys__0__Key"] = editorKey,
                ["Alerts__ApiKeys__0__Role"] = "Editor",
                ["Alerts__Vapid__PublicKey"] = vapid.PublicKey,
                ["Alerts__Vapid__PrivateKey"] = vapid.PrivateKey,
            },
        };
        var lines = new List<string>();
        using var process = Process.Start(start)!;
        try
        {
            var listening = await ReadUntilAsync(process.StandardOutput, lines, line => line.Contains("Now listening on"));
            var address = Regex.Match(listening, @"http://127\.0\.0\.1:\d+").Value;
            Assert.False(string.IsNullOrEmpty(address), $"No address in: {listening}");
            using var client = new HttpClient { BaseAddress = new Uri(address) };
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", editorKey);
            await client.GetAsync("/api/sections");
            await client.PostAsJsonAsync("/api/alerts", new { title = "Logged", body = "b", url = "javascript:alert(1)" });
            client.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", "wrong-" + editorKey);
            await client.GetAsync("/api/alerts");
        }
        finally
        {
            process.Kill(entireProcessTree: true);
            await process.WaitForExitAsync();
            lines.AddRange((await process.StandardOutput.ReadToEndAsync()).Split('\n', StringSplitOptions.RemoveEmptyEntries));
            foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(database) + "*")) File.Delete(file);
        }

        Assert.Contains(lines, line => line.Contains("VAPID public key"));
        foreach (var line in lines)
        {
            using var json = JsonDocument.Parse(line);
            Assert.True(json.RootElement.TryGetProperty("LogLevel", out _), $"Not a log object: {line}");
            Assert.DoesNotContain(editorKey, line);
            Assert.DoesNotContain(vapid.PrivateKey, line);
        }
    }

    private static async Task<string> ReadUntilAsync(StreamReader output, List<string> lines, Func<string, bool> stop)
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(60));
        while (await output.ReadLineAsync(timeout.Token) is { } line)
        {
            if (line.Length == 0) continue;
            lines.Add(line);
            if (stop(line)) return line;
        }
        throw new InvalidOperationException($"The server exited before listening. Output: {string.Join("\n", lines)}");
    }
}
