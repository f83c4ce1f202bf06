using Alerts.Hosting;
using Alerts.Storage;
using Npgsql;

namespace Alerts.Outbox;

/// <summary>
/// Wakes the relay as soon as rows are written, instead of at its next poll: what takes an alert's first
/// push from a poll interval (or two: the alert, then its first batch) to a few milliseconds.
/// </summary>
public sealed class OutboxSignal
{
    private TaskCompletionSource _next = NewSource();

    /// <summary>Wakes a relay waiting in <see cref="WaitAsync"/>, or makes its next wait return at once.</summary>
    public void Pulse() => Interlocked.Exchange(ref _next, NewSource()).TrySetResult();

    /// <summary>Waits until <see cref="Pulse"/> or until <paramref name="timeout"/>.</summary>
    public async Task WaitAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        try
        {
            await Volatile.Read(ref _next).Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            // the poll interval: looked at again anyway
        }
        catch (OperationCanceledException)
        {
            // stopping
        }
    }

    private static TaskCompletionSource NewSource() => new(TaskCreationOptions.RunContinuationsAsynchronously);
}

/// <summary>
/// On PostgreSQL, a statement trigger on outbox_messages sends <c>NOTIFY alerts_outbox</c> when rows are
/// inserted (delivered at commit, in whichever process wrote them); this listener turns it into a
/// <see cref="OutboxSignal.Pulse"/>. If the listening connection is lost the relay still polls, and the
/// listener connects again.
/// </summary>
public sealed class OutboxListener(OutboxSignal signal, IConfiguration configuration, ILogger<OutboxListener> logger) : BackgroundService
{
    public const string Channel = "alerts_outbox";

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var builder = new NpgsqlConnectionStringBuilder(configuration[StorageExtensions.ConnectionStringKey])
        {
            // One long-lived connection of its own, outside the pool the request path uses.
            Pooling = false,
            KeepAlive = 30,
            ApplicationName = "alerts-outbox-listener",
        };
        var failures = 0;
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await using var connection = new NpgsqlConnection(builder.ConnectionString);
                await connection.OpenAsync(stoppingToken);
                connection.Notification += (_, _) => signal.Pulse();
                await using (var listen = new NpgsqlCommand($"LISTEN {Channel}", connection))
                    await listen.ExecuteNonQueryAsync(stoppingToken);
                if (failures > 0) logger.LogInformation("Listening for outbox rows again");
                failures = 0;
                signal.Pulse(); // rows written while not listening
                while (true) await connection.WaitAsync(stoppingToken);
            }
            catch (Exception e) when (!stoppingToken.IsCancellationRequested)
            {
                if (failures++ % 20 == 0) logger.LogWarning("Cannot listen for outbox rows ({Message}); the relay polls meanwhile", e.Message);
                try { await Task.Delay(TimeSpan.FromSeconds(Math.Min(failures, 5)), stoppingToken); }
                catch (OperationCanceledException) { return; }
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }
}
