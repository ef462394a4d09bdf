using System.Text;
using System.Text.RegularExpressions;

namespace TeamUp.Generated;

/// <summary>
/// Masks credentials in text that may end up in an exception or a log: a server or proxy can echo the request's
/// Authorization header back in an error page, or the bare key anywhere (a <c>detail</c>, a request id, a value a
/// JSON parser quotes). Both the <c>Token …</c>/<c>Bearer …</c> shape and the literal secret are masked.
/// </summary>
internal static partial class CredentialMask
{
    /// <summary>Secrets shorter than this are not searched for on their own: masking every "abc" would garble messages.</summary>
    internal const int MinimumLiteralLength = 6;

    [GeneratedRegex(@"\b(Token|Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]+", RegexOptions.IgnoreCase)]
    private static partial Regex SchemeAndCredential();

    public static string Apply(string text, string? secret = null)
    {
        var masked = SchemeAndCredential().Replace(text, "$1 ***");
        if (secret is { Length: >= MinimumLiteralLength })
        {
            // As sent, and as the same text comes back when a server or parser escapes it (JSON's \/, URL encoding).
            masked = masked.Replace(secret, "***", StringComparison.Ordinal);
            var jsonEscaped = secret.Replace("/", "\\/", StringComparison.Ordinal);
            if (jsonEscaped != secret)
            {
                masked = masked.Replace(jsonEscaped, "***", StringComparison.Ordinal);
            }
            var urlEncoded = Uri.EscapeDataString(secret);
            if (urlEncoded != secret)
            {
                masked = masked.Replace(urlEncoded, "***", StringComparison.OrdinalIgnoreCase);
            }
        }
        return masked;
    }

    /// <summary>The secret a request carried (what to mask in anything built from its answer).</summary>
    public static string? SecretOf(HttpRequestMessage? request) => request?.Headers.Authorization?.Parameter;
}

/// <summary>
/// Text that came from a server, made fit for a message: credentials masked, control characters (escape sequences,
/// line breaks that would forge log lines, bidirectional overrides) shown as <c>\xNN</c>/<c>\uNNNN</c> instead of
/// acted on, and the length bounded so that a 10 MB value makes a short message, not a 10 MB one.
/// </summary>
internal static class ServerText
{
    /// <summary>How many characters of one piece of server text a message quotes.</summary>
    public const int MaxQuoted = 800; // room for a detail that lists the valid values, not for megabytes

    public static string Quote(string? text, string? secret, int max = MaxQuoted)
    {
        if (string.IsNullOrEmpty(text))
        {
            return string.Empty;
        }
        // Cut (with room for the escapes) before masking and escaping, so that a huge text costs no more than a short one;
        // a secret cut in two at the end is masked by cutting a little further.
        var cut = text.Length > max + 256 ? text[..(max + 256)] : text;
        var masked = CredentialMask.Apply(cut, secret);
        var result = new StringBuilder(Math.Min(masked.Length, max) + 8);
        foreach (var c in masked)
        {
            if (result.Length >= max)
            {
                break;
            }
            AppendSafe(result, c);
        }
        if (result.Length >= max || cut.Length < text.Length)
        {
            if (result.Length > max)
            {
                result.Length = max;
            }
            result.Append('…');
        }
        return result.ToString();
    }

    /// <summary>Whether a character must not reach a terminal as it is.</summary>
    public static bool IsUnsafe(char c) =>
        char.IsControl(c) // C0 (ESC, BEL, CR, LF...), DEL and C1 (0x9B is a one-byte CSI)
        || c is >= '\u202A' and <= '\u202E' or >= '\u2066' and <= '\u2069' or '\u200E' or '\u200F' or '\u061C' // bidi overrides
        || c is '\u2028' or '\u2029'; // line and paragraph separators

    public static void AppendSafe(StringBuilder text, char c)
    {
        if (!IsUnsafe(c))
        {
            text.Append(c);
        }
        else if (c <= '\u00FF')
        {
            text.Append("\\x").Append(((int)c).ToString("X2", System.Globalization.CultureInfo.InvariantCulture));
        }
        else
        {
            text.Append("\\u").Append(((int)c).ToString("X4", System.Globalization.CultureInfo.InvariantCulture));
        }
    }

    /// <summary>The whole text with unsafe characters escaped (no length bound).</summary>
    public static string Escape(string text)
    {
        if (!text.Any(IsUnsafe))
        {
            return text;
        }
        var result = new StringBuilder(text.Length + 16);
        foreach (var c in text)
        {
            AppendSafe(result, c);
        }
        return result.ToString();
    }
}
