namespace Alerts.Testing;

/// <summary>A push body that a browser could not decrypt; the message says which check failed.</summary>
public sealed class PushDecryptionException : Exception
{
    public PushDecryptionException(string message)
        : base(message)
    {
    }

    public PushDecryptionException(string message, Exception innerException)
        : base(message, innerException)
    {
    }
}
