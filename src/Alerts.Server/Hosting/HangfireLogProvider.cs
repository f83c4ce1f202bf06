using Hangfire.Logging;

namespace Alerts.Hosting;

/// <summary>
/// Hangfire keeps one log provider for the whole process. When several hosts share a process (the
/// test suite, or roles run side by side) and the host that set it stops, its logger factory is
/// disposed and Hangfire's workers in the other hosts would fail while creating loggers. Falling back
/// to silence keeps them working.
/// </summary>
internal sealed class HangfireLogProvider(ILoggerFactory loggerFactory) : ILogProvider
{
    private readonly Hangfire.AspNetCore.AspNetCoreLogProvider _inner = new(loggerFactory);

    public ILog GetLogger(string name)
    {
        try
        {
            return _inner.GetLogger(name);
        }
        catch (ObjectDisposedException)
        {
            return new NoOpLogger();
        }
    }

    private sealed class NoOpLogger : ILog
    {
        public bool Log(Hangfire.Logging.LogLevel logLevel, Func<string> messageFunc, Exception? exception = null) => false;
    }
}
