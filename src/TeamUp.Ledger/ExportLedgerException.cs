namespace TeamUp.Ledger;

/// <summary>What kind of ledger failure an <see cref="ExportLedgerException"/> is.</summary>
public enum ExportLedgerErrorKind
{
    /// <summary>The location holds something that is not an export ledger (another database, another file). It was not changed.</summary>
    NotALedger,

    /// <summary>The ledger was written by a newer version (a schema this version does not know). It was not changed.</summary>
    NewerSchema,

    /// <summary>The ledger cannot be created, opened or written there (missing folder, permissions, read-only file system, server down).</summary>
    Unavailable,

    /// <summary>A discovery ticket or claim token no longer holds its lease: another worker took over.</summary>
    LeaseLost,
}

/// <summary>A failure of the export ledger itself (not of TeamUp, not of the exporter).</summary>
public sealed class ExportLedgerException : Exception
{
    /// <summary>A ledger failure of <paramref name="kind"/> at <paramref name="location"/>.</summary>
    public ExportLedgerException(ExportLedgerErrorKind kind, string location, string message, Exception? innerException = null)
        : base(message, innerException)
    {
        Kind = kind;
        Location = location;
    }

    /// <summary>What went wrong.</summary>
    public ExportLedgerErrorKind Kind { get; }

    /// <summary>The ledger's <see cref="IExportLedgerStore.Location"/>.</summary>
    public string Location { get; }
}
