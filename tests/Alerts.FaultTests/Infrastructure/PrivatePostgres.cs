using Npgsql;

namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// A PostgreSQL cluster of the tests' own (initdb in a temporary directory, its own port), so it can be
/// stopped mid fan-out without touching the cluster every other test uses on 5432. One database per test.
/// </summary>
public sealed class PrivatePostgres : IAsyncDisposable
{
    public const string Password = "postgres";
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromSeconds(60);
    private readonly string _directory;
    private readonly string _bin;
    private IDisposable? _stopOnAbort;

    private PrivatePostgres(string directory, string bin, int port)
    {
        _directory = directory;
        _bin = bin;
        Port = port;
    }

    public int Port { get; }

    private string DataDirectory => Path.Combine(_directory, "data");

    public string ConnectionString(string database) =>
        $"Host=127.0.0.1;Port={Port};Username=postgres;Password={Password};Database={database};Include Error Detail=true";

    public static async Task<PrivatePostgres> StartAsync()
    {
        var bin = Directory.GetDirectories("/usr/lib/postgresql")
            .Select(d => Path.Combine(d, "bin"))
            .Where(d => File.Exists(Path.Combine(d, "pg_ctl")))
            .OrderByDescending(d => int.TryParse(Path.GetFileName(Path.GetDirectoryName(d)), out var v) ? v : 0)
            .FirstOrDefault() ?? throw new InvalidOperationException("No PostgreSQL server under /usr/lib/postgresql.");
        var directory = Directory.CreateTempSubdirectory("alerts-faults-postgres-").FullName;
        var passwordFile = Path.Combine(directory, "password");
        await File.WriteAllTextAsync(passwordFile, Password + "\n");
        Leftovers.MarkOwned(directory);
        await Shell.ChownAsync("postgres", directory);
        var postgres = new PrivatePostgres(directory, bin, FreePort.Next());
        postgres._stopOnAbort = Leftovers.OnAbort(() =>
        {
            var stop = $"{Path.Combine(bin, "pg_ctl")} -D {postgres.DataDirectory} -m immediate -w stop";
            if (Shell.IsRoot) Shell.RunBlocking("su", ["postgres", "-s", "/bin/sh", "-c", stop], TimeSpan.FromSeconds(30));
            else Shell.RunBlocking("sh", ["-c", stop], TimeSpan.FromSeconds(30));
            Directory.Delete(directory, recursive: true);
        });
        await Shell.RunAsAsync("postgres", Path.Combine(bin, "initdb"),
            ["-D", postgres.DataDirectory, "-U", "postgres", "--auth-local=trust", "--auth-host=scram-sha-256", $"--pwfile={passwordFile}",
             "-E", "UTF8", "--locale=C.UTF-8", "--no-sync"], CommandTimeout);
        await postgres.StartClusterAsync();
        return postgres;
    }

    /// <summary>Starts the cluster and waits until it accepts connections (pg_isready).</summary>
    public async Task StartClusterAsync()
    {
        // fsync off: a test cluster, thrown away at the end; the outage is a clean fast stop, not a power cut.
        var options = $"-p {Port} -k {_directory} -c listen_addresses=127.0.0.1 -c fsync=off -c max_connections=300";
        await Shell.RunAsAsync("postgres", Path.Combine(_bin, "pg_ctl"),
            ["-D", DataDirectory, "-l", Path.Combine(_directory, "postgres.log"), "-o", options, "-w", "-t", "60", "start"], CommandTimeout);
        var deadline = DateTime.UtcNow + CommandTimeout;
        while (DateTime.UtcNow < deadline)
        {
            if (await IsReadyAsync()) return;
            await Task.Delay(250);
        }
        throw new TimeoutException($"The private PostgreSQL cluster on port {Port} did not become ready.");
    }

    /// <summary>The outage: a fast shutdown (every connection is cut, the port closes).</summary>
    public Task StopClusterAsync() =>
        Shell.RunAsAsync("postgres", Path.Combine(_bin, "pg_ctl"), ["-D", DataDirectory, "-m", "fast", "-w", "-t", "60", "stop"], CommandTimeout);

    /// <summary>Starts the cluster again if a test left it stopped.</summary>
    public async Task EnsureRunningAsync()
    {
        if (!await IsReadyAsync()) await StartClusterAsync();
    }

    public async Task<bool> IsReadyAsync()
    {
        try
        {
            await Shell.RunAsync(Path.Combine(_bin, "pg_isready"), ["-q", "-h", "127.0.0.1", "-p", Port.ToString()], CommandTimeout);
            return true;
        }
        catch (InvalidOperationException)
        {
            return false;
        }
    }

    public async Task CreateDatabaseAsync(string database)
    {
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"CREATE DATABASE \"{database}\"", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task DropDatabaseAsync(string database)
    {
        NpgsqlConnection.ClearAllPools();
        await using var connection = new NpgsqlConnection(ConnectionString("postgres"));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"DROP DATABASE IF EXISTS \"{database}\" WITH (FORCE)", connection);
        await command.ExecuteNonQueryAsync();
    }

    public async Task<T> ScalarAsync<T>(string database, string sql)
    {
        await using var connection = new NpgsqlConnection(ConnectionString(database));
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    public async ValueTask DisposeAsync()
    {
        try
        {
            NpgsqlConnection.ClearAllPools();
            if (await IsReadyAsync()) await StopClusterAsync();
        }
        finally
        {
            _stopOnAbort?.Dispose();
            try { Directory.Delete(_directory, recursive: true); } catch (IOException) { } catch (UnauthorizedAccessException) { }
        }
    }
}
