using Microsoft.Extensions.Options;

namespace Alerts.Delivery;

/// <summary>
/// A worker's graceful stop (SIGTERM): from <see cref="Stopping"/> no new push is started; pushes in
/// flight may finish until <see cref="Abandon"/>, <see cref="PushOptions.DrainTimeout"/> later. The
/// batch then records what it did and hands what it did not do back to the outbox.
/// </summary>
public sealed class WorkerDrain : IDisposable
{
    private readonly CancellationTokenSource _abandon = new();
    private readonly CancellationTokenRegistration _registration;

    public WorkerDrain(IHostApplicationLifetime lifetime, IOptions<PushOptions> options)
    {
        Stopping = lifetime.ApplicationStopping;
        var timeout = options.Value.DrainTimeout;
        _registration = Stopping.Register(() => _abandon.CancelAfter(timeout));
    }

    public CancellationToken Stopping { get; }

    public CancellationToken Abandon => _abandon.Token;

    public void Dispose()
    {
        _registration.Dispose();
        _abandon.Dispose();
    }
}
