namespace TeamUp.Ledger.PostgreSql;

/// <summary>Settings of a <see cref="PostgresExportLedgerStore"/>.</summary>
public sealed class PostgresLedgerOptions
{
    /// <summary>The schema the ledger's tables live in unless told otherwise.</summary>
    public const string DefaultSchema = "teamup_ledger";

    /// <summary>
    /// An Npgsql connection string (<c>Host=db;Database=teamup;Username=sync</c>). From a <c>postgres://</c> URL, use
    /// <see cref="PostgresLedgerLocation.Parse"/>. The password is best left to <c>PGPASSWORD</c> or <c>~/.pgpass</c>.
    /// </summary>
    public required string ConnectionString { get; init; }

    /// <summary>
    /// The schema that holds the ledger (created on first use, with its tables). Another schema name gives an
    /// independent ledger in the same database. Lowercase letters, digits and <c>_</c>, starting with a letter.
    /// </summary>
    public string Schema { get; init; } = DefaultSchema;

    /// <summary>
    /// The clock for leases and history. Null (the default): the database server's clock, so that workers on machines
    /// whose clocks disagree still agree on when a lease expires (the offset to the server is measured when the
    /// ledger opens and again every minute). Tests pass a fake clock.
    /// </summary>
    public TimeProvider? TimeProvider { get; init; }

    /// <summary>
    /// How long an operation keeps retrying while the server is unreachable or restarting (connection refused or
    /// lost, "the database system is starting up", a deadlock) before it fails as
    /// <see cref="ExportLedgerErrorKind.Unavailable"/>. Every write is safe to retry: one that was applied before its
    /// answer was lost is recognised by its token. Default 60 s.
    /// </summary>
    public TimeSpan RetryTimeout { get; init; } = TimeSpan.FromSeconds(60);

    /// <summary>Called before each retry (to log it): the operation, the attempt that failed, the wait, the error.</summary>
    public Action<PostgresLedgerRetry>? OnRetry { get; init; }
}

/// <summary>A ledger operation that failed for a passing reason and is retried after <see cref="Delay"/>.</summary>
/// <param name="Operation">What was being done (<c>claim</c>, <c>complete</c>, ...).</param>
/// <param name="Attempt">The attempt that failed (1 for the first).</param>
/// <param name="Delay">The wait before the next attempt.</param>
/// <param name="Reason">Why it failed, in one line (no password).</param>
public sealed record PostgresLedgerRetry(string Operation, int Attempt, TimeSpan Delay, string Reason);
