using System.Globalization;
using System.Security.Cryptography;
using System.Text;
using TeamUp.Generated;

namespace TeamUp.Ledger;

/// <summary>
/// The version of an invoice as a ledger sees it: a fingerprint of the fields an accounting, BI or payout system
/// books. Two fetches of an unchanged invoice give the same version; a change to any of these fields gives another:
/// <list type="bullet">
/// <item>status, credit note or not, due date, payer (customer id), total amount due (amount and currency);</item>
/// <item>when line items were fetched (<c>expand=line_items</c>): per line its id, type, billed item, price and
/// total amount due.</item>
/// </list>
/// Left out on purpose: the legacy key, <c>created_at</c> (never change), and deferred fields other than line items
/// (charges change on every payment retry; what they mean for the books shows in status and amount due).
/// </summary>
/// <remarks>
/// The text is <c>f1:</c> and 16 hex digits of SHA-256 over the invoice fields, then, with line items, <c>.l</c> and
/// 16 hex digits over the lines. An invoice exported with lines and listed now without them (or the other way) is
/// compared on the invoice fields alone, so turning <c>--expand line_items</c> on or off does not make everything
/// "changed".
/// </remarks>
public static class InvoiceFingerprint
{
    private const string Scheme = "f1:";
    private const string LinesMark = ".l";

    /// <summary>The version of <paramref name="invoice"/> (with its lines when they were fetched).</summary>
    public static string Of(Invoice invoice)
    {
        ArgumentNullException.ThrowIfNull(invoice);
        var head = new StringBuilder()
            .Append(invoice.Status.ToString()).Append('|')
            .Append(invoice.IsCreditNote ? '1' : '0').Append('|')
            .Append(invoice.DueDate.ToString("yyyy-MM-dd", CultureInfo.InvariantCulture)).Append('|')
            .Append(invoice.Payer?.Id.ToString(CultureInfo.InvariantCulture) ?? "").Append('|');
        AppendMoney(head, invoice.TotalAmountDue);
        var version = Scheme + Hash(head.ToString());
        if (invoice.LineItems is { } lines)
        {
            var body = new StringBuilder();
            foreach (var line in lines.OrderBy(l => l.Id))
            {
                body.Append(line.Id.ToString(CultureInfo.InvariantCulture)).Append('|')
                    .Append(line.Type.ToString()).Append('|')
                    .Append(line.BilledItem?.Id.ToString(CultureInfo.InvariantCulture) ?? "").Append('|');
                AppendMoney(body, line.Price);
                body.Append('|');
                AppendMoney(body, line.TotalAmountDue);
                body.Append('\n');
            }
            version += LinesMark + Hash(body.ToString());
        }
        return version;
    }

    /// <summary>
    /// Whether two versions describe the same invoice: equal invoice fields, and equal lines when both have lines.
    /// Versions of another scheme are never the same (a future fingerprint counts everything as changed once).
    /// </summary>
    public static bool Same(string exported, string current)
    {
        ArgumentNullException.ThrowIfNull(exported);
        ArgumentNullException.ThrowIfNull(current);
        if (string.Equals(exported, current, StringComparison.Ordinal))
        {
            return true;
        }
        if (!exported.StartsWith(Scheme, StringComparison.Ordinal) || !current.StartsWith(Scheme, StringComparison.Ordinal))
        {
            return false;
        }
        var (exportedHead, exportedLines) = Split(exported);
        var (currentHead, currentLines) = Split(current);
        return exportedHead == currentHead && (exportedLines is null || currentLines is null || exportedLines == currentLines);
    }

    private static (string Head, string? Lines) Split(string version)
    {
        var mark = version.IndexOf(LinesMark, StringComparison.Ordinal);
        return mark < 0 ? (version, null) : (version[..mark], version[(mark + LinesMark.Length)..]);
    }

    private static void AppendMoney(StringBuilder builder, Money? money)
    {
        if (money is null)
        {
            return;
        }
        // 45, 45.0 and 45.00 are one amount: trailing zeros must not make a new version.
        builder.Append(money.Decimal.ToString("0.############################", CultureInfo.InvariantCulture))
            .Append(' ').Append(money.IsoCurrencyCode?.ToLowerInvariant());
    }

    private static string Hash(string text) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(text)), 0, 8);
}
