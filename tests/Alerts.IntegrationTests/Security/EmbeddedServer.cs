using Microsoft.Extensions.DependencyInjection;

namespace Alerts.IntegrationTests.Security;

/// <summary>
/// The host in the embedded mode (in-memory bus, its own SQLite file) with a fake push service, for
/// the security tests; optionally on a real loopback port so requests carry a client address.
/// </summary>
public sealed class EmbeddedServer : IAsyncDisposable
{
    public string DatabaseFile { get; } = Path.Combine(Path.GetTempPath(), $"alerts-security-{Guid.NewGuid():N}.db");
    public FakePushService Push { get; private set; } = null!;
    public AlertsServer Server { get; private set; } = null!;
    public Dictionary<string, string?> Settings { get; private set; } = [];
    /// <summary>Set when started on a loopback port: the origin to call.</summary>
    public Uri? Origin { get; private set; }

    public static async Task<EmbeddedServer> StartAsync(
        Action<Dictionary<string, string?>>? configure = null, Action<IServiceCollection>? services = null, bool onLoopbackPort = false, bool waitUntilReady = true)
    {
        var embedded = new EmbeddedServer { Push = await FakePushService.StartAsync(AlertsServer.VapidSubject) };
        embedded.Settings = AlertsServer.BaseSettings(embedded.Push);
        embedded.Settings["ConnectionStrings:Alerts"] = $"Data Source={embedded.DatabaseFile}";
        configure?.Invoke(embedded.Settings);
        embedded.Server = new AlertsServer(embedded.Settings, services);
        if (onLoopbackPort) embedded.Origin = embedded.Server.StartOnLoopbackPort();
        else if (waitUntilReady) await embedded.Server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
        return embedded;
    }

    /// <summary>A client of the loopback port (a real TCP connection from 127.0.0.1).</summary>
    public HttpClient LoopbackClient() => new() { BaseAddress = Origin ?? throw new InvalidOperationException("Not started on a loopback port.") };

    public async ValueTask DisposeAsync()
    {
        await Server.DisposeAsync();
        await Push.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in Directory.GetFiles(Path.GetTempPath(), Path.GetFileName(DatabaseFile) + "*")) File.Delete(file);
    }
}
