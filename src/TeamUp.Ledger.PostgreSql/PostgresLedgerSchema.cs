namespace TeamUp.Ledger.PostgreSql;

/// <summary>
/// The PostgreSQL ledger's schema, as numbered migrations, all in a schema of its own (default
/// <c>teamup_ledger</c>) so that a database shared with other applications is never confused with ours. The schema
/// says it is ours, and which migrations it has, in <c>ledger_info</c>; DDL is transactional in PostgreSQL, so a
/// migration is applied whole or not at all.
/// </summary>
internal static class PostgresLedgerSchema
{
    /// <summary>The <c>ledger_info</c> value of key <c>application</c> that marks a schema as ours.</summary>
    public const string Application = "TeamUp.Ledger";

    /// <summary>
    /// The advisory lock (two 32-bit keys: "TULg", and a hash of the schema name) that serialises migrations: several
    /// workers starting at once queue on it and the first one applies what is missing, exactly once.
    /// </summary>
    public const int AdvisoryLockKey = 0x54554C67;

    /// <summary>Migrations in order, <c>{0}</c> standing for the quoted schema name.</summary>
    public static readonly string[] Migrations =
    [
        // 1: exported versions, the queue of pending invoices with claims, history, discovery.
        """
        CREATE TABLE {0}.exported (
            system          text        NOT NULL,
            invoice_id      bigint      NOT NULL,
            version         text        NOT NULL,
            exported_at     timestamptz NOT NULL,
            reference       text,
            marked_by_token text,       -- the claim that marked it: lets a retried completion see it already applied
            PRIMARY KEY (system, invoice_id)
        );

        CREATE TABLE {0}.queue (
            system           text        NOT NULL,
            invoice_id       bigint      NOT NULL,
            version          text        NOT NULL,  -- latest version discovery saw
            reason           text        NOT NULL,
            payload          text,
            generation       bigint      NOT NULL,  -- the discovery that last saw it
            claim_token      text,
            claim_owner      text,
            lease_expires_at timestamptz,
            claimed_version  text,                  -- the version the claim handed out
            deliveries       integer     NOT NULL DEFAULT 0,
            uncertain        boolean     NOT NULL DEFAULT false,
            last_error       text,
            PRIMARY KEY (system, invoice_id)
        );
        CREATE INDEX queue_by_token ON {0}.queue (system, claim_token) WHERE claim_token IS NOT NULL;

        CREATE TABLE {0}.events (
            seq             bigint GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
            system          text        NOT NULL,
            invoice_id      bigint      NOT NULL,
            at              timestamptz NOT NULL,
            kind            text        NOT NULL,
            version         text,
            note            text,
            reference       text,
            owner           text,
            idempotency_key text
        );
        CREATE INDEX events_by_invoice ON {0}.events (invoice_id, seq);

        CREATE TABLE {0}.discovery (
            system               text PRIMARY KEY,
            generation           bigint NOT NULL,
            owner                text,
            token                text,
            lease_expires_at     timestamptz,
            completed_generation bigint NOT NULL DEFAULT 0,
            completed_at         timestamptz
        );
        """,
    ];

    public static int CurrentVersion => Migrations.Length;
}
