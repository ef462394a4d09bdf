using System.Text.RegularExpressions;

namespace TeamUp.Generated;

/// <summary>
/// Masks credentials in text that may end up in an exception or a log: a server or proxy can echo the
/// request's Authorization header back in an error page.
/// </summary>
internal static partial class CredentialMask
{
    [GeneratedRegex(@"\b(Token|Bearer|Basic)\s+[A-Za-z0-9\-._~+/=]+", RegexOptions.IgnoreCase)]
    private static partial Regex SchemeAndCredential();

    public static string Apply(string text) => SchemeAndCredential().Replace(text, "$1 ***");
}
