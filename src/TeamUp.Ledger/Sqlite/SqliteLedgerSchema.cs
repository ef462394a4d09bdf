namespace TeamUp.Ledger.Sqlite;

/// <summary>
/// The SQLite ledger's schema, as numbered migrations. The file says it is ours with <c>PRAGMA application_id</c>
/// and which migrations it has with <c>PRAGMA user_version</c>: both live in the database header, so a file can be
/// recognised (and refused) without reading or writing any table.
/// </summary>
internal static class SqliteLedgerSchema
{
    /// <summary>"TULg": TeamUp Ledger. A SQLite file with another application id is not ours.</summary>
    public const int ApplicationId = 0x54554C67;

    /// <summary>Migrations in order; the ledger's schema version is how many it has applied.</summary>
    public static readonly string[] Migrations =
    [
        // 1: exported versions, the queue of pending invoices with claims, history, discovery.
        """
        CREATE TABLE ledger_info (
            key   TEXT PRIMARY KEY,
            value TEXT NOT NULL
        ) WITHOUT ROWID;

        CREATE TABLE exported (
            system      TEXT    NOT NULL,
            invoice_id  INTEGER NOT NULL,
            version     TEXT    NOT NULL,
            exported_at INTEGER NOT NULL,   -- unix milliseconds
            reference   TEXT,
            PRIMARY KEY (system, invoice_id)
        ) WITHOUT ROWID;

        CREATE TABLE queue (
            system           TEXT    NOT NULL,
            invoice_id       INTEGER NOT NULL,
            version          TEXT    NOT NULL,  -- latest version discovery saw
            reason           TEXT    NOT NULL,
            payload          TEXT,
            generation       INTEGER NOT NULL,  -- the discovery that last saw it
            claim_token      TEXT,
            claim_owner      TEXT,
            lease_expires_at INTEGER,           -- unix milliseconds
            claimed_version  TEXT,              -- the version the claim handed out
            deliveries       INTEGER NOT NULL DEFAULT 0,
            uncertain        INTEGER NOT NULL DEFAULT 0,
            last_error       TEXT,
            PRIMARY KEY (system, invoice_id)
        ) WITHOUT ROWID;
        CREATE INDEX queue_by_token ON queue (claim_token) WHERE claim_token IS NOT NULL;

        CREATE TABLE events (
            seq             INTEGER PRIMARY KEY AUTOINCREMENT,
            system          TEXT    NOT NULL,
            invoice_id      INTEGER NOT NULL,
            at              INTEGER NOT NULL,   -- unix milliseconds
            kind            TEXT    NOT NULL,
            version         TEXT,
            note            TEXT,
            reference       TEXT,
            owner           TEXT,
            idempotency_key TEXT
        );
        CREATE INDEX events_by_invoice ON events (invoice_id, seq);

        CREATE TABLE discovery (
            system               TEXT PRIMARY KEY,
            generation           INTEGER NOT NULL,
            owner                TEXT,
            token                TEXT,
            lease_expires_at     INTEGER,
            completed_generation INTEGER NOT NULL DEFAULT 0,
            completed_at         INTEGER
        ) WITHOUT ROWID;
        """,
    ];

    public static int CurrentVersion => Migrations.Length;
}
