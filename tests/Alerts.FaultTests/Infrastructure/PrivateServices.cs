[assembly: CollectionBehavior(DisableTestParallelization = true)]

namespace Alerts.FaultTests.Infrastructure;

/// <summary>
/// The private RabbitMQ node and PostgreSQL cluster, started once for all fault tests (one at a time);
/// each test takes its own database and virtual host on them.
/// </summary>
public sealed class PrivateServices : IAsyncLifetime
{
    public PrivateRabbitMq RabbitMq { get; private set; } = null!;
    public PrivatePostgres Postgres { get; private set; } = null!;

    public async Task InitializeAsync()
    {
        await Leftovers.ReapAsync(line => Console.WriteLine("Fault tests: " + line));
        var rabbit = PrivateRabbitMq.StartAsync();
        var postgres = PrivatePostgres.StartAsync();
        try
        {
            await Task.WhenAll(rabbit, postgres);
        }
        catch
        {
            if (rabbit.IsCompletedSuccessfully) await rabbit.Result.DisposeAsync();
            if (postgres.IsCompletedSuccessfully) await postgres.Result.DisposeAsync();
            throw;
        }
        RabbitMq = rabbit.Result;
        Postgres = postgres.Result;
        Console.WriteLine($"Fault tests: private RabbitMQ node {RabbitMq.Node} on 127.0.0.1:{RabbitMq.Port}, private PostgreSQL on 127.0.0.1:{Postgres.Port}");
    }

    public async Task DisposeAsync()
    {
        try
        {
            if (RabbitMq is not null) await RabbitMq.DisposeAsync();
        }
        finally
        {
            if (Postgres is not null) await Postgres.DisposeAsync();
        }
    }
}

[CollectionDefinition(Name)]
public sealed class FaultCollection : ICollectionFixture<PrivateServices>
{
    public const string Name = "Faults";
}
