using System.Security.Cryptography;
using System.Text;

namespace TeamUp.Ledger;

/// <summary>
/// Target system names (<c>xero</c>, <c>datev-prod</c>): 1 to 64 characters of <c>A-Z a-z 0-9 . _ -</c>. Tracking is
/// per (system, invoice); systems never see each other's marks. Names are compared exactly (case-sensitive), so
/// <c>Xero</c> and <c>xero</c> are two systems.
/// </summary>
public static class ExportSystem
{
    /// <summary>The longest name accepted.</summary>
    public const int MaxLength = 64;

    /// <summary>Whether <paramref name="name"/> is a valid system name.</summary>
    public static bool IsValid(string? name)
    {
        if (string.IsNullOrEmpty(name) || name.Length > MaxLength)
        {
            return false;
        }
        foreach (var c in name)
        {
            if (!(char.IsAsciiLetterOrDigit(c) || c is '.' or '_' or '-'))
            {
                return false;
            }
        }
        return true;
    }

    /// <summary>Throws an <see cref="ArgumentException"/> that says what a valid name is, unless <paramref name="name"/> is one.</summary>
    public static string Validate(string? name, string parameterName = "system")
    {
        if (!IsValid(name))
        {
            throw new ArgumentException(
                $"'{name}' is not a valid target system name: use 1-{MaxLength} characters of A-Z, a-z, 0-9, '.', '_' and '-' (e.g. 'xero' or 'datev-prod').",
                parameterName);
        }
        return name!;
    }
}

/// <summary>
/// The idempotency key of one delivery: derived from the system, the invoice and the version handed out, so the
/// same version of an invoice handed out again (after a crash, an expired lease or a failed batch) carries the same
/// key, and a target that deduplicates by it sees one export. A changed invoice is a new version and a new key.
/// </summary>
public static class ExportIdempotencyKey
{
    /// <summary>
    /// <c>teamup-</c> followed by 32 lowercase hex digits (128 bits of SHA-256 over the three parts), short enough
    /// for any target's idempotency header or external-id field.
    /// </summary>
    public static string For(string system, long invoiceId, string version)
    {
        ArgumentException.ThrowIfNullOrEmpty(system);
        ArgumentException.ThrowIfNullOrEmpty(version);
        var bytes = SHA256.HashData(Encoding.UTF8.GetBytes($"{system}\n{invoiceId.ToString(System.Globalization.CultureInfo.InvariantCulture)}\n{version}"));
        return "teamup-" + Convert.ToHexStringLower(bytes, 0, 16);
    }

    /// <summary>
    /// One key for a whole batch (the <c>--exec</c> command gets it in <c>TEAMUP_IDEMPOTENCY_KEY</c>): derived from the
    /// items' keys in invoice order, so the same batch handed out again has the same key.
    /// </summary>
    public static string ForBatch(IEnumerable<string> itemKeys)
    {
        var joined = string.Join('\n', itemKeys.Order(StringComparer.Ordinal));
        return "teamup-batch-" + Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(joined)), 0, 16);
    }
}
