using System.Text;

namespace Alerts.Subscriptions;

/// <summary>
/// One spelling per endpoint and per key, so that a lookup by hash finds the subscription however a
/// client wrote it: scheme and host in lower case, no default port, percent-escapes of unreserved
/// characters decoded and the others in upper case (RFC 3986 §6.2.2); keys as unpadded base64url of
/// their bytes.
/// </summary>
public static class CanonicalPushTarget
{
    public static string Endpoint(string endpoint)
    {
        var uri = new Uri(endpoint.Trim(), UriKind.Absolute);
        // SchemeAndServer leaves out a default port; Host is already lower case.
        var origin = uri.GetComponents(UriComponents.SchemeAndServer, UriFormat.UriEscaped).ToLowerInvariant();
        var pathAndQuery = uri.GetComponents(UriComponents.PathAndQuery, UriFormat.UriEscaped);
        return origin + NormalizeEscapes(pathAndQuery);
    }

    public static string Key(byte[] bytes) => System.Buffers.Text.Base64Url.EncodeToString(bytes);

    /// <summary>A stored key in its one spelling (rows written before keys were stored canonically may be padded).</summary>
    public static string Key(string stored)
    {
        try
        {
            return Key(System.Buffers.Text.Base64Url.DecodeFromChars(stored.TrimEnd('=')));
        }
        catch (FormatException)
        {
            return stored;
        }
    }

    private static string NormalizeEscapes(string value)
    {
        if (!value.Contains('%')) return value;
        var result = new StringBuilder(value.Length);
        for (var i = 0; i < value.Length; i++)
        {
            if (value[i] == '%' && i + 2 < value.Length && Uri.IsHexDigit(value[i + 1]) && Uri.IsHexDigit(value[i + 2]))
            {
                var decoded = (char)Convert.ToByte(value.Substring(i + 1, 2), 16);
                if (char.IsAsciiLetterOrDigit(decoded) || decoded is '-' or '.' or '_' or '~') result.Append(decoded);
                else result.Append('%').Append(char.ToUpperInvariant(value[i + 1])).Append(char.ToUpperInvariant(value[i + 2]));
                i += 2;
            }
            else result.Append(value[i]);
        }
        return result.ToString();
    }
}
