using System.Globalization;
using System.Runtime.CompilerServices;
using System.Text.Json;
using Microsoft.Data.Sqlite;

namespace TeamUp.Ledger.Sqlite;

/// <summary>Settings of a <see cref="SqliteExportLedgerStore"/>.</summary>
public sealed class SqliteLedgerOptions
{
    /// <summary>The ledger file. Its folder must exist; the file is created when missing.</summary>
    public required string Path { get; init; }

    /// <summary>
    /// How long an operation waits for another process's write to finish before failing (SQLite's busy timeout).
    /// Writes are short (one batch), so the default of 30 s is only reached by a stuck process.
    /// </summary>
    public TimeSpan BusyTimeout { get; init; } = TimeSpan.FromSeconds(30);

    /// <summary>The clock for leases and history (tests pass a fake one).</summary>
    public TimeProvider TimeProvider { get; init; } = TimeProvider.System;
}

/// <summary>
/// The default ledger: one SQLite file (Microsoft.Data.Sqlite). WAL journal so readers never block the writer,
/// <c>synchronous=FULL</c> so a mark that returned survives a power loss (a lost mark would mean a duplicate export),
/// a busy timeout so two processes on one file wait for each other instead of failing with "database is locked", and
/// every write in a <c>BEGIN IMMEDIATE</c> transaction, so claims are serialised and never hand one invoice to two
/// holders. WAL needs the file on a local disk (not a network share).
/// </summary>
public sealed class SqliteExportLedgerStore : IExportLedgerStore
{
    private const int ChunkSize = 500;
    private static readonly byte[] SqliteHeader = "SQLite format 3\0"u8.ToArray();

    private readonly SqliteLedgerOptions _options;
    private readonly string _connectionString;
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private volatile bool _opened;

    /// <summary>A store on the file <see cref="SqliteLedgerOptions.Path"/>; nothing is opened until first use or <see cref="OpenAsync"/>.</summary>
    public SqliteExportLedgerStore(SqliteLedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.Path);
        _options = options;
        Location = System.IO.Path.GetFullPath(options.Path);
        _connectionString = new SqliteConnectionStringBuilder
        {
            DataSource = Location,
            Mode = SqliteOpenMode.ReadWriteCreate,
            Cache = SqliteCacheMode.Private,
            Pooling = true,
            DefaultTimeout = (int)Math.Ceiling(options.BusyTimeout.TotalSeconds),
        }.ToString();
    }

    /// <summary>Opens (or creates) the ledger file at <paramref name="path"/> with default settings.</summary>
    public SqliteExportLedgerStore(string path) : this(new SqliteLedgerOptions { Path = path })
    {
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public int SchemaVersion { get; private set; }

    private DateTimeOffset Now => _options.TimeProvider.GetUtcNow();

    private long NowMs => Now.ToUnixTimeMilliseconds();

    // ---- opening ------------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_opened)
        {
            return;
        }
        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_opened)
            {
                await OpenCoreAsync(cancellationToken).ConfigureAwait(false);
                _opened = true;
            }
        }
        finally
        {
            _openLock.Release();
        }
    }

    private async Task OpenCoreAsync(CancellationToken cancellationToken)
    {
        var folder = System.IO.Path.GetDirectoryName(Location);
        if (Directory.Exists(Location))
        {
            throw new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location, $"The ledger path '{Location}' is a folder; give a file path.");
        }
        if (folder is not null && !Directory.Exists(folder))
        {
            throw new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location,
                $"Cannot create the ledger '{Location}': the folder '{folder}' does not exist.");
        }

        // Look before touching: a file that is not ours (or has a newer schema) must be left exactly as it is,
        // so it is inspected through a read-only connection before anything (journal mode, migrations) writes.
        if (File.Exists(Location) && new FileInfo(Location).Length > 0)
        {
            await InspectExistingAsync(cancellationToken).ConfigureAwait(false);
        }

        try
        {
            await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            // WAL is a property of the file (kept once set); switching needs no transaction and may wait for
            // another process that is opening the same file.
            await ExecuteAsync(connection, "PRAGMA journal_mode=WAL;", cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection, "BEGIN IMMEDIATE;", cancellationToken).ConfigureAwait(false);
            try
            {
                // Read again inside the write lock: another process may have migrated since we looked.
                var applicationId = await ScalarLongAsync(connection, "PRAGMA application_id;", cancellationToken).ConfigureAwait(false);
                var version = (int)await ScalarLongAsync(connection, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false);
                if (applicationId != 0 && applicationId != SqliteLedgerSchema.ApplicationId)
                {
                    throw NotALedger(null);
                }
                if (version > SqliteLedgerSchema.CurrentVersion)
                {
                    throw NewerSchema(version);
                }
                for (var next = version; next < SqliteLedgerSchema.CurrentVersion; next++)
                {
                    await ExecuteAsync(connection, SqliteLedgerSchema.Migrations[next], cancellationToken).ConfigureAwait(false);
                }
                if (version == 0)
                {
                    await ExecuteAsync(connection, $"PRAGMA application_id={SqliteLedgerSchema.ApplicationId};", cancellationToken).ConfigureAwait(false);
                    await ExecuteAsync(connection,
                        "INSERT OR IGNORE INTO ledger_info(key, value) VALUES ('created_at', $now), ('created_by', $by);", cancellationToken,
                        ("$now", Now.ToString("O", CultureInfo.InvariantCulture)),
                        ("$by", "TeamUp.Ledger " + typeof(SqliteExportLedgerStore).Assembly.GetName().Version)).ConfigureAwait(false);
                }
                if (version != SqliteLedgerSchema.CurrentVersion)
                {
                    await ExecuteAsync(connection, $"PRAGMA user_version={SqliteLedgerSchema.CurrentVersion};", cancellationToken).ConfigureAwait(false);
                }
                await ExecuteAsync(connection, "COMMIT;", CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                await RollbackAsync(connection).ConfigureAwait(false);
                throw;
            }
            SchemaVersion = SqliteLedgerSchema.CurrentVersion;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "open");
        }
    }

    private async Task InspectExistingAsync(CancellationToken cancellationToken)
    {
        var header = new byte[SqliteHeader.Length];
        try
        {
            await using var file = new FileStream(Location, FileMode.Open, FileAccess.Read, FileShare.ReadWrite | FileShare.Delete);
            var read = await file.ReadAtLeastAsync(header, header.Length, throwOnEndOfStream: false, cancellationToken).ConfigureAwait(false);
            if (read < header.Length || !header.AsSpan().SequenceEqual(SqliteHeader))
            {
                throw NotALedger("it is not a SQLite database");
            }
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            throw new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location, $"Cannot read the ledger '{Location}': {e.Message}", e);
        }

        var readOnly = new SqliteConnectionStringBuilder(_connectionString) { Mode = SqliteOpenMode.ReadOnly, Pooling = false }.ToString();
        try
        {
            await using var connection = new SqliteConnection(readOnly);
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var applicationId = await ScalarLongAsync(connection, "PRAGMA application_id;", cancellationToken).ConfigureAwait(false);
            var version = (int)await ScalarLongAsync(connection, "PRAGMA user_version;", cancellationToken).ConfigureAwait(false);
            var tables = await ScalarLongAsync(connection, "SELECT count(*) FROM sqlite_master;", cancellationToken).ConfigureAwait(false);
            if (applicationId != SqliteLedgerSchema.ApplicationId && (applicationId != 0 || version != 0 || tables != 0))
            {
                throw NotALedger(applicationId != 0 ? "it is a SQLite database of another application" : "it is a SQLite database with other tables");
            }
            if (version > SqliteLedgerSchema.CurrentVersion)
            {
                throw NewerSchema(version);
            }
        }
        catch (SqliteException e)
        {
            // SQLITE_NOTADB (26) / SQLITE_CORRUPT (11): the header matched but the rest is not a database.
            throw e.SqliteErrorCode is 26 or 11 ? NotALedger("it is not a readable SQLite database") : Translate(e, "open");
        }
    }

    private ExportLedgerException NotALedger(string? why) => new(ExportLedgerErrorKind.NotALedger, Location,
        $"'{Location}' is not a TeamUp export ledger{(why is null ? "" : $" ({why})")}; it was left untouched. Give another --ledger path.");

    private ExportLedgerException NewerSchema(int version) => new(ExportLedgerErrorKind.NewerSchema, Location,
        $"The ledger '{Location}' has schema version {version}, newer than the {SqliteLedgerSchema.CurrentVersion} this version of TeamUp.Ledger knows; " +
        "it was left untouched. Upgrade the teamup tool (or TeamUp.Ledger package) to use it.");

    private ExportLedgerException Translate(SqliteException e, string action) => e.SqliteErrorCode switch
    {
        // SQLITE_CANTOPEN, SQLITE_READONLY, SQLITE_PERM, SQLITE_IOERR, SQLITE_FULL, SQLITE_AUTH
        14 or 8 or 3 or 10 or 13 or 23 => new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location,
            $"Cannot {action} the ledger '{Location}': {e.Message}", e),
        26 or 11 => NotALedger("it is not a readable SQLite database"),
        5 or 6 => new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location,
            $"The ledger '{Location}' stayed locked by another process for more than {_options.BusyTimeout.TotalSeconds:0} s.", e),
        _ => new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location, $"The ledger '{Location}' failed to {action}: {e.Message}", e),
    };

    internal async Task<SqliteConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        var connection = new SqliteConnection(_connectionString);
        try
        {
            await connection.OpenAsync(cancellationToken).ConfigureAwait(false);
            var busyMs = (long)_options.BusyTimeout.TotalMilliseconds;
            // Per connection: every commit is synced (FULL), and a locked file is waited for, not failed on.
            await ExecuteAsync(connection, $"PRAGMA synchronous=FULL; PRAGMA busy_timeout={busyMs};", cancellationToken).ConfigureAwait(false);
            return connection;
        }
        catch
        {
            await connection.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    // ---- plumbing -----------------------------------------------------------------------------------------------------

    private async Task<T> ReadAsync<T>(Func<SqliteConnection, Task<T>> body, CancellationToken cancellationToken)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            return await body(connection).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "read");
        }
    }

    /// <summary>
    /// One write transaction. BEGIN IMMEDIATE takes the write lock up front (waiting up to the busy timeout), so two
    /// processes never both read, then both write: the classic cause of "database is locked" in deferred transactions.
    /// </summary>
    private async Task<T> WriteAsync<T>(Func<SqliteConnection, Task<T>> body, CancellationToken cancellationToken, bool synced = true)
    {
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            await using var connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
            if (!synced)
            {
                // Set back to FULL by the next ConnectAsync of this pooled connection.
                await ExecuteAsync(connection, "PRAGMA synchronous=NORMAL;", cancellationToken).ConfigureAwait(false);
            }
            await ExecuteAsync(connection, "BEGIN IMMEDIATE;", cancellationToken).ConfigureAwait(false);
            T result;
            try
            {
                result = await body(connection).ConfigureAwait(false);
                await ExecuteAsync(connection, "COMMIT;", CancellationToken.None).ConfigureAwait(false);
            }
            catch
            {
                await RollbackAsync(connection).ConfigureAwait(false);
                throw;
            }
            return result;
        }
        catch (SqliteException e)
        {
            throw Translate(e, "write");
        }
    }

    private static async Task RollbackAsync(SqliteConnection connection)
    {
        try
        {
            await ExecuteAsync(connection, "ROLLBACK;", CancellationToken.None).ConfigureAwait(false);
        }
        catch (SqliteException)
        {
            // SQLite may already have rolled back (an I/O error does); the original error is the one to report.
        }
    }

    private static SqliteCommand Command(SqliteConnection connection, string sql, params (string Name, object? Value)[] parameters)
    {
        var command = connection.CreateCommand();
        command.CommandText = sql;
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    /// <summary>
    /// Commands of one connection, kept by their SQL so that a statement run once per item of a batch is compiled
    /// once per operation, not once per item (compiling dominated the time of a claim or a completion). They go with
    /// their connection: closing it finalizes them.
    /// </summary>
    private static readonly ConditionalWeakTable<SqliteConnection, Dictionary<string, SqliteCommand>> Prepared = new();

    private static SqliteCommand Reused(SqliteConnection connection, string sql, (string Name, object? Value)[] parameters)
    {
        var cache = Prepared.GetOrCreateValue(connection);
        if (!cache.TryGetValue(sql, out var command))
        {
            command = connection.CreateCommand();
            command.CommandText = sql;
            cache[sql] = command;
        }
        command.Parameters.Clear();
        foreach (var (name, value) in parameters)
        {
            command.Parameters.AddWithValue(name, value ?? DBNull.Value);
        }
        return command;
    }

    private static Task<int> ExecuteAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters) =>
        Reused(connection, sql, parameters).ExecuteNonQueryAsync(cancellationToken);

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters) =>
        await Reused(connection, sql, parameters).ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);

    private static async Task<long> ScalarLongAsync(SqliteConnection connection, string sql, CancellationToken cancellationToken,
        params (string Name, object? Value)[] parameters)
    {
        var value = await ScalarAsync(connection, sql, cancellationToken, parameters).ConfigureAwait(false);
        return value is null or DBNull ? 0 : Convert.ToInt64(value, CultureInfo.InvariantCulture);
    }

    private static string IdsJson(IEnumerable<long> ids) => JsonSerializer.Serialize(ids);

    private static DateTimeOffset FromMs(long ms) => DateTimeOffset.FromUnixTimeMilliseconds(ms);

    private static DateTimeOffset? FromMs(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : FromMs(reader.GetInt64(ordinal));

    private static string? NullableString(SqliteDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private Task InsertEventAsync(SqliteConnection connection, string system, long invoiceId, LedgerEventKind kind, string? version,
        string? note, string? reference, string? owner, string? key, CancellationToken cancellationToken) =>
        ExecuteAsync(connection,
            "INSERT INTO events(system, invoice_id, at, kind, version, note, reference, owner, idempotency_key) VALUES ($s, $i, $at, $k, $v, $n, $r, $o, $key);",
            cancellationToken, ("$s", system), ("$i", invoiceId), ("$at", NowMs), ("$k", LedgerText.Kind(kind)), ("$v", version), ("$n", note),
            ("$r", reference), ("$o", owner), ("$key", key));

    // ---- exported -----------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public async IAsyncEnumerable<ExportedInvoice> GetExportedAsync(string system, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        SqliteConnection connection;
        try
        {
            connection = await ConnectAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (SqliteException e)
        {
            throw Translate(e, "read");
        }
        await using (connection.ConfigureAwait(false))
        {
            await using var command = Command(connection,
                "SELECT invoice_id, version, exported_at, reference FROM exported WHERE system = $s ORDER BY invoice_id;", ("$s", system));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                yield return new ExportedInvoice(reader.GetInt64(0), reader.GetString(1), FromMs(reader.GetInt64(2)), NullableString(reader, 3));
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<long, ExportedInvoice>> GetExportedAsync(string system, IReadOnlyCollection<long> invoiceIds,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentNullException.ThrowIfNull(invoiceIds);
        return ReadAsync<IReadOnlyDictionary<long, ExportedInvoice>>(async connection =>
        {
            var result = new Dictionary<long, ExportedInvoice>();
            foreach (var chunk in invoiceIds.Distinct().Chunk(ChunkSize))
            {
                await using var command = Command(connection,
                    "SELECT invoice_id, version, exported_at, reference FROM exported WHERE system = $s AND invoice_id IN (SELECT value FROM json_each($ids));",
                    ("$s", system), ("$ids", IdsJson(chunk)));
                await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    var row = new ExportedInvoice(reader.GetInt64(0), reader.GetString(1), FromMs(reader.GetInt64(2)), NullableString(reader, 3));
                    result[row.InvoiceId] = row;
                }
            }
            return result;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<MarkResult> MarkExportedAsync(string system, IReadOnlyList<InvoiceVersion> invoices, ExportNote note,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentNullException.ThrowIfNull(invoices);
        ArgumentNullException.ThrowIfNull(note);
        note.Validate();
        ValidateVersions(invoices);
        return WriteAsync(async connection =>
        {
            var marked = new List<long>();
            var unchanged = new List<long>();
            foreach (var invoice in invoices.DistinctBy(i => i.InvoiceId))
            {
                if (await RecordExportAsync(connection, system, invoice.InvoiceId, invoice.Version, note, owner: null, key: null, cancellationToken).ConfigureAwait(false))
                {
                    marked.Add(invoice.InvoiceId);
                }
                else
                {
                    unchanged.Add(invoice.InvoiceId);
                }
                // The queued item at this very version is done; one a live claim holds stays with its holder.
                await ExecuteAsync(connection,
                    "DELETE FROM queue WHERE system = $s AND invoice_id = $i AND version = $v AND (claim_token IS NULL OR lease_expires_at <= $now);",
                    cancellationToken, ("$s", system), ("$i", invoice.InvoiceId), ("$v", invoice.Version), ("$now", NowMs)).ConfigureAwait(false);
            }
            return new MarkResult(marked, unchanged);
        }, cancellationToken);
    }

    private static void ValidateVersions(IEnumerable<InvoiceVersion> invoices)
    {
        foreach (var invoice in invoices)
        {
            if (string.IsNullOrEmpty(invoice.Version))
            {
                throw new ArgumentException($"Invoice {invoice.InvoiceId} has no version: mark the version that was exported.", nameof(invoices));
            }
        }
    }

    /// <summary>Records one export; false when that version was already recorded (a no-op, no history entry).</summary>
    private async Task<bool> RecordExportAsync(SqliteConnection connection, string system, long invoiceId, string version, ExportNote note,
        string? owner, string? key, CancellationToken cancellationToken)
    {
        if (await ScalarAsync(connection, "SELECT version FROM exported WHERE system = $s AND invoice_id = $i;", cancellationToken,
                ("$s", system), ("$i", invoiceId)).ConfigureAwait(false) is string existing && existing == version)
        {
            return false;
        }
        await ExecuteAsync(connection,
            """
            INSERT INTO exported(system, invoice_id, version, exported_at, reference) VALUES ($s, $i, $v, $at, $r)
            ON CONFLICT(system, invoice_id) DO UPDATE SET version = excluded.version, exported_at = excluded.exported_at, reference = excluded.reference;
            """,
            cancellationToken, ("$s", system), ("$i", invoiceId), ("$v", version), ("$at", NowMs), ("$r", note.Reference)).ConfigureAwait(false);
        await InsertEventAsync(connection, system, invoiceId, LedgerEventKind.Exported, version, note.Note, note.Reference, owner,
            key ?? ExportIdempotencyKey.For(system, invoiceId, version), cancellationToken).ConfigureAwait(false);
        return true;
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> ForgetAsync(string system, IReadOnlyCollection<long> invoiceIds, string? note,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentNullException.ThrowIfNull(invoiceIds);
        return WriteAsync<IReadOnlyList<long>>(async connection =>
        {
            var forgotten = new List<long>();
            foreach (var id in invoiceIds.Distinct())
            {
                var version = await ScalarAsync(connection, "DELETE FROM exported WHERE system = $s AND invoice_id = $i RETURNING version;",
                    cancellationToken, ("$s", system), ("$i", id)).ConfigureAwait(false) as string;
                if (version is not null)
                {
                    forgotten.Add(id);
                    await InsertEventAsync(connection, system, id, LedgerEventKind.Forgotten, version, note, null, null, null, cancellationToken).ConfigureAwait(false);
                }
            }
            return forgotten;
        }, cancellationToken);
    }

    // ---- discovery ----------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public Task<DiscoveryTicket?> TryBeginDiscoveryAsync(string system, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ValidateLease(lease);
        return WriteAsync<DiscoveryTicket?>(async connection =>
        {
            long generation = 0;
            await using (var read = Command(connection, "SELECT generation, owner, lease_expires_at FROM discovery WHERE system = $s;", ("$s", system)))
            await using (var reader = await read.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                if (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    generation = reader.GetInt64(0);
                    if (!reader.IsDBNull(1) && !reader.IsDBNull(2) && reader.GetInt64(2) > NowMs)
                    {
                        return null;
                    }
                }
            }
            var ticket = new DiscoveryTicket(system, generation + 1, owner, Guid.NewGuid().ToString("N"), Now + lease);
            await ExecuteAsync(connection,
                """
                INSERT INTO discovery(system, generation, owner, token, lease_expires_at) VALUES ($s, $g, $o, $t, $exp)
                ON CONFLICT(system) DO UPDATE SET generation = excluded.generation, owner = excluded.owner, token = excluded.token,
                    lease_expires_at = excluded.lease_expires_at;
                """,
                cancellationToken, ("$s", system), ("$g", ticket.Generation), ("$o", owner), ("$t", ticket.Token),
                ("$exp", ticket.ExpiresAt.ToUnixTimeMilliseconds())).ConfigureAwait(false);
            return ticket;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewDiscoveryAsync(DiscoveryTicket ticket, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ValidateLease(lease);
        return WriteAsync(async connection =>
            await ExecuteAsync(connection, "UPDATE discovery SET lease_expires_at = $exp WHERE system = $s AND token = $t;", cancellationToken,
                ("$exp", (Now + lease).ToUnixTimeMilliseconds()), ("$s", ticket.System), ("$t", ticket.Token)).ConfigureAwait(false) > 0,
            cancellationToken);
    }

    private async Task RequireDiscoveryAsync(SqliteConnection connection, DiscoveryTicket ticket, CancellationToken cancellationToken)
    {
        await using var read = Command(connection, "SELECT token FROM discovery WHERE system = $s;", ("$s", ticket.System));
        if (await read.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false) as string != ticket.Token)
        {
            throw new ExportLedgerException(ExportLedgerErrorKind.LeaseLost, Location,
                $"The discovery of '{ticket.System}' (generation {ticket.Generation}) was taken over by another worker after its lease expired.");
        }
    }

    /// <inheritdoc />
    public Task StageAsync(DiscoveryTicket ticket, IReadOnlyList<ExportCandidate> candidates, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ArgumentNullException.ThrowIfNull(candidates);
        foreach (var candidate in candidates)
        {
            ArgumentException.ThrowIfNullOrEmpty(candidate.Version, nameof(candidates));
        }
        return WriteAsync(async connection =>
        {
            await RequireDiscoveryAsync(connection, ticket, cancellationToken).ConfigureAwait(false);
            await using var command = Command(connection,
                """
                INSERT INTO queue(system, invoice_id, version, reason, payload, generation) VALUES ($s, $i, $v, $r, $p, $g)
                ON CONFLICT(system, invoice_id) DO UPDATE SET version = excluded.version, reason = excluded.reason, payload = excluded.payload,
                    generation = excluded.generation,
                    last_error = CASE WHEN queue.version = excluded.version THEN queue.last_error ELSE NULL END;
                """,
                ("$s", ticket.System), ("$i", 0L), ("$v", ""), ("$r", ""), ("$p", null), ("$g", ticket.Generation));
            await command.PrepareAsync(cancellationToken).ConfigureAwait(false);
            foreach (var candidate in candidates)
            {
                command.Parameters["$i"].Value = candidate.InvoiceId;
                command.Parameters["$v"].Value = candidate.Version;
                command.Parameters["$r"].Value = LedgerText.Reason(candidate.Reason);
                command.Parameters["$p"].Value = (object?)candidate.Payload ?? DBNull.Value;
                await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DiscoveryResult> CompleteDiscoveryAsync(DiscoveryTicket ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return WriteAsync(async connection =>
        {
            await RequireDiscoveryAsync(connection, ticket, cancellationToken).ConfigureAwait(false);
            var dropped = await ExecuteAsync(connection,
                "DELETE FROM queue WHERE system = $s AND generation < $g AND claim_token IS NULL AND uncertain = 0;",
                cancellationToken, ("$s", ticket.System), ("$g", ticket.Generation)).ConfigureAwait(false);
            await ExecuteAsync(connection,
                """
                UPDATE discovery SET owner = NULL, token = NULL, lease_expires_at = NULL, completed_generation = $g, completed_at = $now
                WHERE system = $s;
                """,
                cancellationToken, ("$s", ticket.System), ("$g", ticket.Generation), ("$now", NowMs)).ConfigureAwait(false);
            var queued = (int)await ScalarLongAsync(connection, "SELECT count(*) FROM queue WHERE system = $s;", cancellationToken, ("$s", ticket.System)).ConfigureAwait(false);
            return new DiscoveryResult(queued, dropped);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ExpireDiscoveryAsync(string system, string owner, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return WriteAsync(async connection =>
            await ExecuteAsync(connection,
                "UPDATE discovery SET owner = NULL, token = NULL, lease_expires_at = NULL WHERE system = $s AND owner = $o AND token IS NOT NULL;",
                cancellationToken, ("$s", system), ("$o", owner)).ConfigureAwait(false) > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DiscoveryState?> GetDiscoveryStateAsync(string system, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        return ReadAsync<DiscoveryState?>(async connection =>
        {
            await using var command = Command(connection,
                "SELECT generation, completed_generation, owner, lease_expires_at, completed_at FROM discovery WHERE system = $s;", ("$s", system));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                return null;
            }
            return new DiscoveryState(reader.GetInt64(0), reader.GetInt64(1), NullableString(reader, 2), FromMs(reader, 3), FromMs(reader, 4));
        }, cancellationToken);
    }

    // ---- claims -------------------------------------------------------------------------------------------------------

    private static void ValidateLease(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A lease must be longer than zero.");
        }
    }

    private sealed record QueueRow(long InvoiceId, string Version, string Reason, string? Payload, string? Token, string? Owner,
        string? ClaimedVersion, int Deliveries, bool Uncertain, string? LastError, string? ExportedVersion);

    /// <inheritdoc />
    public Task<ExportClaim?> ClaimAsync(string system, string owner, int maxItems, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        ValidateLease(lease);
        return WriteAsync<ExportClaim?>(async connection =>
        {
            var now = NowMs;
            var picked = new List<QueueRow>();
            var stale = new List<long>();
            long after = long.MinValue;
            while (picked.Count < maxItems)
            {
                var rows = new List<QueueRow>();
                await using (var select = Command(connection,
                    """
                    SELECT q.invoice_id, q.version, q.reason, q.payload, q.claim_token, q.claim_owner, q.claimed_version, q.deliveries, q.uncertain,
                           q.last_error, e.version
                    FROM queue q LEFT JOIN exported e ON e.system = q.system AND e.invoice_id = q.invoice_id
                    WHERE q.system = $s AND q.invoice_id > $after AND (q.lease_expires_at IS NULL OR q.lease_expires_at <= $now)
                    ORDER BY q.invoice_id LIMIT $n;
                    """,
                    ("$s", system), ("$after", after), ("$now", now), ("$n", maxItems - picked.Count)))
                await using (var reader = await select.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
                {
                    while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                    {
                        rows.Add(new QueueRow(reader.GetInt64(0), reader.GetString(1), reader.GetString(2), NullableString(reader, 3), NullableString(reader, 4),
                            NullableString(reader, 5), NullableString(reader, 6), reader.GetInt32(7), reader.GetInt32(8) != 0, NullableString(reader, 9),
                            NullableString(reader, 10)));
                    }
                }
                if (rows.Count == 0)
                {
                    break;
                }
                after = rows[^1].InvoiceId;
                foreach (var row in rows)
                {
                    // Marked meanwhile at the very version queued (by a mark call, or by a worker whose late claim
                    // completed): nothing left to deliver.
                    if (row.ExportedVersion == row.Version)
                    {
                        stale.Add(row.InvoiceId);
                    }
                    else
                    {
                        picked.Add(row);
                    }
                }
            }
            foreach (var id in stale)
            {
                await ExecuteAsync(connection, "DELETE FROM queue WHERE system = $s AND invoice_id = $i;", cancellationToken, ("$s", system), ("$i", id)).ConfigureAwait(false);
            }
            if (picked.Count == 0)
            {
                return null;
            }

            var token = Guid.NewGuid().ToString("N");
            var expires = Now + lease;
            var items = new List<ClaimedInvoice>(picked.Count);
            foreach (var row in picked)
            {
                // Taken over from a lease that ran out: the previous holder may have delivered it. Say so, in the
                // history and on the item, and hand it out again under the key of the version it had.
                var takenOver = row.Token is not null;
                var uncertain = takenOver || row.Uncertain;
                if (takenOver)
                {
                    var previous = row.ClaimedVersion ?? row.Version;
                    await InsertEventAsync(connection, system, row.InvoiceId, LedgerEventKind.Uncertain, previous,
                        $"handed out to {row.Owner} without an answer before its lease ran out; handed out again", null, owner,
                        ExportIdempotencyKey.For(system, row.InvoiceId, previous), cancellationToken).ConfigureAwait(false);
                }
                await ExecuteAsync(connection,
                    """
                    UPDATE queue SET claim_token = $t, claim_owner = $o, lease_expires_at = $exp, claimed_version = version,
                        deliveries = deliveries + 1, uncertain = $u
                    WHERE system = $s AND invoice_id = $i;
                    """,
                    cancellationToken, ("$t", token), ("$o", owner), ("$exp", expires.ToUnixTimeMilliseconds()), ("$u", uncertain ? 1 : 0),
                    ("$s", system), ("$i", row.InvoiceId)).ConfigureAwait(false);
                items.Add(new ClaimedInvoice(row.InvoiceId, row.Version, LedgerText.ParseReason(row.Reason), row.Payload,
                    ExportIdempotencyKey.For(system, row.InvoiceId, row.Version), uncertain, row.Deliveries + 1, row.LastError));
            }
            return new ExportClaim(system, token, owner, expires, items);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewClaimAsync(string system, string token, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ValidateLease(lease);
        return WriteAsync(async connection =>
            await ExecuteAsync(connection, "UPDATE queue SET lease_expires_at = $exp WHERE system = $s AND claim_token = $t;", cancellationToken,
                ("$exp", (Now + lease).ToUnixTimeMilliseconds()), ("$s", system), ("$t", token)).ConfigureAwait(false) > 0,
            cancellationToken);
    }

    private async Task<Dictionary<long, (string ClaimedVersion, string Version, string? Owner)>> HeldAsync(SqliteConnection connection, string system,
        string token, CancellationToken cancellationToken)
    {
        var held = new Dictionary<long, (string, string, string?)>();
        await using var command = Command(connection,
            "SELECT invoice_id, claimed_version, version, claim_owner FROM queue WHERE system = $s AND claim_token = $t;", ("$s", system), ("$t", token));
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            held[reader.GetInt64(0)] = (NullableString(reader, 1) ?? reader.GetString(2), reader.GetString(2), NullableString(reader, 3));
        }
        return held;
    }

    /// <summary>Back to the queue with an answer (so not uncertain); a failed one waits until <paramref name="notBefore"/> (unix ms).</summary>
    private Task ReleaseAsync(SqliteConnection connection, string system, long invoiceId, string? error, CancellationToken cancellationToken,
        long? notBefore = null) =>
        ExecuteAsync(connection,
            """
            UPDATE queue SET claim_token = NULL, claim_owner = NULL, lease_expires_at = $nb, claimed_version = NULL, uncertain = 0, last_error = $e
            WHERE system = $s AND invoice_id = $i;
            """,
            cancellationToken, ("$e", error), ("$s", system), ("$i", invoiceId), ("$nb", notBefore));

    /// <inheritdoc />
    public Task<CompleteResult> CompleteClaimAsync(string system, string token, IReadOnlyCollection<InvoiceVersion> exported, ExportNote note,
        TimeSpan retryRestAfter, CancellationToken cancellationToken = default)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(retryRestAfter, TimeSpan.Zero);
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(exported);
        ArgumentNullException.ThrowIfNull(note);
        note.Validate();
        ValidateVersions(exported);
        return WriteAsync(async connection =>
        {
            var held = await HeldAsync(connection, system, token, cancellationToken).ConfigureAwait(false);
            var confirmed = exported.DistinctBy(e => e.InvoiceId).ToList();
            foreach (var item in confirmed)
            {
                if (held.TryGetValue(item.InvoiceId, out var h) && h.ClaimedVersion != item.Version)
                {
                    throw new ArgumentException(
                        $"Invoice {item.InvoiceId} was handed out at version {h.ClaimedVersion}, not {item.Version}: confirm the version the claim handed out.",
                        nameof(exported));
                }
            }
            var marked = new List<long>();
            var unchanged = new List<long>();
            var refused = new List<long>();
            foreach (var item in confirmed)
            {
                if (!held.Remove(item.InvoiceId, out var h))
                {
                    // The claim lost this item (its lease ran out and another worker took it, or it was completed or
                    // forgotten meanwhile). Marking now could overwrite the newer holder's result; keep the report instead.
                    refused.Add(item.InvoiceId);
                    await InsertEventAsync(connection, system, item.InvoiceId, LedgerEventKind.LateResult, item.Version,
                        $"exported after the claim was lost (token {token}); not applied. Note: {note.Note}", note.Reference, null,
                        ExportIdempotencyKey.For(system, item.InvoiceId, item.Version), cancellationToken).ConfigureAwait(false);
                    continue;
                }
                var key = ExportIdempotencyKey.For(system, item.InvoiceId, h.ClaimedVersion);
                if (await RecordExportAsync(connection, system, item.InvoiceId, h.ClaimedVersion, note, h.Owner, key, cancellationToken).ConfigureAwait(false))
                {
                    marked.Add(item.InvoiceId);
                }
                else
                {
                    unchanged.Add(item.InvoiceId);
                }
                if (h.Version == h.ClaimedVersion)
                {
                    await ExecuteAsync(connection, "DELETE FROM queue WHERE system = $s AND invoice_id = $i;", cancellationToken,
                        ("$s", system), ("$i", item.InvoiceId)).ConfigureAwait(false);
                }
                else
                {
                    // It changed while it was out: the version delivered is marked, the newer one stays queued.
                    await ReleaseAsync(connection, system, item.InvoiceId, null, cancellationToken).ConfigureAwait(false);
                }
            }
            var released = held.Keys.Order().ToList();
            long? notBefore = retryRestAfter > TimeSpan.Zero ? (Now + retryRestAfter).ToUnixTimeMilliseconds() : null;
            foreach (var id in released)
            {
                await ReleaseAsync(connection, system, id, notBefore is null ? null : "not confirmed by the exporter", cancellationToken, notBefore).ConfigureAwait(false);
            }
            return new CompleteResult(marked, unchanged, released, refused);
            // Not synced to disk at commit (synchronous=NORMAL; still atomic, and safe from a process crash): the claim
            // it completes was synced before the delivery, so if a power loss takes this commit away, the claim is back
            // and the batch is handed out again as uncertain, with the same keys. The next synced commit (the next claim)
            // makes it durable. This halves the fsyncs of a sync, which dominate the ledger's time.
        }, cancellationToken, synced: false);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> FailClaimAsync(string system, string token, string error, TimeSpan retryAfter,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        long? notBefore = retryAfter > TimeSpan.Zero ? (Now + retryAfter).ToUnixTimeMilliseconds() : null;
        return WriteAsync<IReadOnlyList<long>>(async connection =>
        {
            var held = await HeldAsync(connection, system, token, cancellationToken).ConfigureAwait(false);
            var released = held.Keys.Order().ToList();
            foreach (var id in released)
            {
                var h = held[id];
                await ReleaseAsync(connection, system, id, error, cancellationToken, notBefore).ConfigureAwait(false);
                await InsertEventAsync(connection, system, id, LedgerEventKind.Failed, h.ClaimedVersion, error, null, h.Owner,
                    ExportIdempotencyKey.For(system, id, h.ClaimedVersion), cancellationToken).ConfigureAwait(false);
            }
            return released;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ClaimInfo>> GetClaimsAsync(string system, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        return ReadAsync<IReadOnlyList<ClaimInfo>>(async connection =>
        {
            var claims = new List<ClaimInfo>();
            await using var command = Command(connection,
                """
                SELECT claim_token, max(claim_owner), max(lease_expires_at), count(*) FROM queue
                WHERE system = $s AND claim_token IS NOT NULL GROUP BY claim_token ORDER BY min(invoice_id);
                """,
                ("$s", system));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                claims.Add(new ClaimInfo(system, reader.GetString(0), NullableString(reader, 1) ?? "", FromMs(reader.GetInt64(2)), reader.GetInt32(3)));
            }
            return claims;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> ExpireClaimAsync(string system, string token, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(token);
        return WriteAsync(connection =>
            ExecuteAsync(connection, "UPDATE queue SET lease_expires_at = $now WHERE system = $s AND claim_token = $t;", cancellationToken,
                ("$now", NowMs), ("$s", system), ("$t", token)), cancellationToken);
    }

    // ---- reading ------------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public Task<IReadOnlyList<LedgerEvent>> GetHistoryAsync(long invoiceId, string? system, CancellationToken cancellationToken = default)
    {
        if (system is not null)
        {
            ExportSystem.Validate(system);
        }
        return ReadAsync<IReadOnlyList<LedgerEvent>>(async connection =>
        {
            var events = new List<LedgerEvent>();
            await using var command = Command(connection,
                """
                SELECT seq, system, invoice_id, at, kind, version, note, reference, owner, idempotency_key FROM events
                WHERE invoice_id = $i AND ($s IS NULL OR system = $s) ORDER BY seq;
                """,
                ("$i", invoiceId), ("$s", system));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                events.Add(new LedgerEvent(reader.GetInt64(0), reader.GetString(1), reader.GetInt64(2), FromMs(reader.GetInt64(3)),
                    LedgerText.ParseKind(reader.GetString(4)), NullableString(reader, 5), NullableString(reader, 6), NullableString(reader, 7),
                    NullableString(reader, 8), NullableString(reader, 9)));
            }
            return events;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<LedgerStatus> GetStatusAsync(string system, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        return ReadAsync(async connection =>
        {
            var now = NowMs;
            await using var command = Command(connection,
                """
                SELECT
                    (SELECT count(*) FROM exported WHERE system = $s),
                    (SELECT max(exported_at) FROM exported WHERE system = $s),
                    (SELECT count(*) FROM queue WHERE system = $s AND (claim_token IS NULL OR lease_expires_at <= $now)),
                    (SELECT count(*) FROM queue WHERE system = $s AND claim_token IS NOT NULL AND lease_expires_at > $now),
                    (SELECT count(*) FROM queue WHERE system = $s AND claim_token IS NOT NULL AND lease_expires_at <= $now),
                    (SELECT count(*) FROM queue WHERE system = $s AND last_error IS NOT NULL),
                    (SELECT completed_at FROM discovery WHERE system = $s);
                """,
                ("$s", system), ("$now", now));
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            await reader.ReadAsync(cancellationToken).ConfigureAwait(false);
            return new LedgerStatus(system, reader.GetInt32(0), reader.GetInt32(2), reader.GetInt32(3), reader.GetInt32(4), reader.GetInt32(5),
                FromMs(reader, 1), FromMs(reader, 6));
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetSystemsAsync(CancellationToken cancellationToken = default) =>
        ReadAsync<IReadOnlyList<string>>(async connection =>
        {
            var systems = new List<string>();
            await using var command = Command(connection,
                "SELECT system FROM exported UNION SELECT system FROM queue UNION SELECT system FROM events ORDER BY 1;");
            await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
            {
                systems.Add(reader.GetString(0));
            }
            return systems;
        }, cancellationToken);

    /// <inheritdoc />
    public ValueTask DisposeAsync()
    {
        _openLock.Dispose();
        // Pooled connections hold the file open (and its WAL); a disposed store lets go of them so that the file can
        // be moved or deleted at once.
        SqliteConnection.ClearPool(new SqliteConnection(_connectionString));
        return ValueTask.CompletedTask;
    }
}
