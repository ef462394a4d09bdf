namespace TeamUp.Ledger;

/// <summary>
/// The words stores and the CLI use for reasons and history kinds (<c>new</c>, <c>changed</c>,
/// <c>not_exported_since</c>; <c>exported</c>, <c>forgotten</c>, ...): stable text in files and NDJSON, whatever the
/// C# enum names become.
/// </summary>
public static class LedgerText
{
    /// <summary>The text of a reason.</summary>
    public static string Reason(PendingReason reason) => reason switch
    {
        PendingReason.New => "new",
        PendingReason.Changed => "changed",
        PendingReason.NotExportedSince => "not_exported_since",
        _ => throw new ArgumentOutOfRangeException(nameof(reason), reason, null),
    };

    /// <summary>A reason from its text; <see cref="FormatException"/> for an unknown one.</summary>
    public static PendingReason ParseReason(string text) => text switch
    {
        "new" => PendingReason.New,
        "changed" => PendingReason.Changed,
        "not_exported_since" => PendingReason.NotExportedSince,
        _ => throw new FormatException($"'{text}' is not a pending reason (new, changed, not_exported_since)."),
    };

    /// <summary>The text of a history kind.</summary>
    public static string Kind(LedgerEventKind kind) => kind switch
    {
        LedgerEventKind.Exported => "exported",
        LedgerEventKind.Forgotten => "forgotten",
        LedgerEventKind.Failed => "failed",
        LedgerEventKind.Uncertain => "uncertain",
        LedgerEventKind.LateResult => "late_result",
        _ => throw new ArgumentOutOfRangeException(nameof(kind), kind, null),
    };

    /// <summary>A history kind from its text; <see cref="FormatException"/> for an unknown one.</summary>
    public static LedgerEventKind ParseKind(string text) => text switch
    {
        "exported" => LedgerEventKind.Exported,
        "forgotten" => LedgerEventKind.Forgotten,
        "failed" => LedgerEventKind.Failed,
        "uncertain" => LedgerEventKind.Uncertain,
        "late_result" => LedgerEventKind.LateResult,
        _ => throw new FormatException($"'{text}' is not a ledger history kind."),
    };
}
