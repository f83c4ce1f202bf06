using Microsoft.Extensions.Options;

namespace Alerts.Outbox;

/// <summary>How the outbox relay publishes (Alerts:Outbox).</summary>
public sealed class OutboxOptions
{
    public const string SectionKey = "Alerts:Outbox";

    /// <summary>How often an idle relay looks for rows that have become due.</summary>
    public TimeSpan PollInterval { get; set; } = TimeSpan.FromMilliseconds(250);

    /// <summary>Rows published per transaction.</summary>
    public int BatchSize { get; set; } = 100;

    /// <summary>
    /// A row published this long ago and still not finished by its consumer (the message went to an error
    /// queue, or a queue was purged) is published again. Its consumers are idempotent, so this is safe.
    /// </summary>
    public TimeSpan RedeliverAfter { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>How long one publish may wait for the bus before the relay gives up and tries again later.</summary>
    public TimeSpan PublishTimeout { get; set; } = TimeSpan.FromSeconds(10);
}

internal sealed class OutboxOptionsValidator : IValidateOptions<OutboxOptions>
{
    public ValidateOptionsResult Validate(string? name, OutboxOptions options)
    {
        var errors = new List<string>();
        if (options.PollInterval < TimeSpan.FromMilliseconds(10) || options.PollInterval > TimeSpan.FromMinutes(1))
            errors.Add($"Configuration key '{OutboxOptions.SectionKey}:PollInterval' must be between 00:00:00.010 and 00:01:00.");
        if (options.BatchSize is < 1 or > 1000)
            errors.Add($"Configuration key '{OutboxOptions.SectionKey}:BatchSize' must be between 1 and 1000.");
        if (options.RedeliverAfter < TimeSpan.FromMinutes(1))
            errors.Add($"Configuration key '{OutboxOptions.SectionKey}:RedeliverAfter' must be at least 00:01:00.");
        if (options.PublishTimeout < TimeSpan.FromSeconds(1))
            errors.Add($"Configuration key '{OutboxOptions.SectionKey}:PublishTimeout' must be at least 00:00:01.");
        return errors.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(errors);
    }
}
