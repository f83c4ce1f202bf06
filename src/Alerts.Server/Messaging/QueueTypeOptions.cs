using Microsoft.Extensions.Options;

namespace Alerts.Messaging;

public enum QueueType { Classic, Quorum }

/// <summary>
/// <c>Alerts:Transport:QueueType</c>: the kind of RabbitMQ queue the workers declare for their work
/// (<c>classic</c> or <c>quorum</c>; quorum by default: replicated, so a cluster node can stop without
/// losing or stalling work). The in-memory transport ignores it. <c>Alerts:Transport</c> itself keeps its
/// plain value (<c>RabbitMq</c>); configuration lets a key have a value and children at once.
/// </summary>
public sealed class QueueTypeOptions
{
    public const string SectionKey = "Alerts:Transport";
    public const string Key = SectionKey + ":" + nameof(QueueType);

    /// <summary>As configured; read <see cref="Type"/>.</summary>
    public string? QueueType { get; set; }

    public QueueType Type => Parse(QueueType) ?? Messaging.QueueType.Quorum;

    internal static QueueType? Parse(string? value) =>
        string.IsNullOrWhiteSpace(value) ? null
        : value.Trim().ToLowerInvariant() switch
        {
            "quorum" => Messaging.QueueType.Quorum,
            "classic" => Messaging.QueueType.Classic,
            _ => throw new InvalidOperationException($"Configuration key '{Key}' has the value '{value}'; expected classic or quorum."),
        };
}

internal sealed class QueueTypeOptionsValidator : IValidateOptions<QueueTypeOptions>
{
    public ValidateOptionsResult Validate(string? name, QueueTypeOptions options)
    {
        try
        {
            QueueTypeOptions.Parse(options.QueueType);
            return ValidateOptionsResult.Success;
        }
        catch (InvalidOperationException e)
        {
            return ValidateOptionsResult.Fail(e.Message);
        }
    }
}
