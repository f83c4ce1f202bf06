using MassTransit;

namespace Alerts.IntegrationTests.Infrastructure;

/// <summary>Counts messages of one type a server's consumers have finished, so a test waits for them rather than for time.</summary>
public sealed class ConsumedMessages<T>(Func<T, bool> matches) : IConsumeObserver where T : class
{
    private readonly SemaphoreSlim _consumed = new(0);

    public Task PreConsume<TMessage>(ConsumeContext<TMessage> context) where TMessage : class => Task.CompletedTask;

    public Task PostConsume<TMessage>(ConsumeContext<TMessage> context) where TMessage : class
    {
        if (context.Message is T message && matches(message)) _consumed.Release();
        return Task.CompletedTask;
    }

    public Task ConsumeFault<TMessage>(ConsumeContext<TMessage> context, Exception exception) where TMessage : class => Task.CompletedTask;

    /// <summary>Waits until <paramref name="count"/> matching messages were consumed.</summary>
    public async Task WaitForAsync(int count, TimeSpan timeout)
    {
        for (var i = 0; i < count; i++)
            Assert.True(await _consumed.WaitAsync(timeout), $"Only {i} of {count} {typeof(T).Name} messages were consumed within {timeout.TotalSeconds:0} s.");
    }
}
