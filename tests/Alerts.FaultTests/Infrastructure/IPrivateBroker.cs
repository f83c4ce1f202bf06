namespace Alerts.FaultTests.Infrastructure;

/// <summary>The RabbitMQ a deployment runs on: the private node, or the private cluster.</summary>
public interface IPrivateBroker : IAsyncDisposable
{
    Task AddVirtualHostAsync(string vhost);

    Task DeleteVirtualHostAsync(string vhost);

    /// <summary>Starts again what a failed test may have left stopped.</summary>
    Task EnsureRunningAsync();

    /// <summary>ConnectionStrings:RabbitMq for one process of a deployment (0 the API process, 1… the workers).</summary>
    string UriFor(string vhost, int process);

    string Description { get; }
}
