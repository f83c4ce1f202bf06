using Alerts.Testing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Time.Testing;

namespace Alerts.IntegrationTests.FrequencyCap;

/// <summary>The daily limit in the embedded mode (SQLite and the in-memory bus): the same scenario through the SQLite ledger.</summary>
public sealed class EmbeddedDailyLimitTests : IAsyncLifetime
{
    private readonly string _databaseFile = Path.Combine(Path.GetTempPath(), $"alerts-cap-{Guid.NewGuid():N}.db");
    private readonly FakeTimeProvider _clock = new(StartOfHour(DateTimeOffset.UtcNow.AddHours(-8)).AddMinutes(5));
    private FakePushService _push = null!;
    private AlertsServer _server = null!;

    public async Task InitializeAsync()
    {
        _push = await FakePushService.StartAsync(AlertsServer.VapidSubject);
        var settings = AlertsServer.BaseSettings(_push);
        settings["ConnectionStrings:Alerts"] = $"Data Source={_databaseFile}";
        settings["Alerts:Roles"] = "Api,Worker"; // the test runs the release job itself
        settings["Alerts:PublicBaseUrl"] = "https://alerts.news.example";
        _server = new AlertsServer(settings, services => services.AddSingleton<TimeProvider>(_clock));
        await _server.WaitUntilReadyAsync(TimeSpan.FromSeconds(30));
    }

    [Fact]
    public async Task Embedded_reader_with_a_limit_of_two_gets_two_articles_then_one_push_for_the_rest_at_the_end_of_their_day() =>
        await DailyLimitScenario.RunAsync(_server, _push, _clock);

    private static DateTimeOffset StartOfHour(DateTimeOffset t) => new(t.Year, t.Month, t.Day, t.Hour, 0, 0, TimeSpan.Zero);

    public async Task DisposeAsync()
    {
        await _server.DisposeAsync();
        await _push.DisposeAsync();
        Microsoft.Data.Sqlite.SqliteConnection.ClearAllPools();
        foreach (var file in new[] { _databaseFile, _databaseFile + "-wal", _databaseFile + "-shm" })
            if (File.Exists(file)) File.Delete(file);
    }
}
