using System.Diagnostics;
using System.Globalization;
using System.Net.Sockets;
using System.Runtime.CompilerServices;
using System.Text.RegularExpressions;
using Npgsql;

namespace TeamUp.Ledger.PostgreSql;

/// <summary>
/// The export ledger on PostgreSQL, for many workers on many machines sharing one system's work. It keeps the
/// contract of <see cref="IExportLedgerStore"/> exactly as the SQLite store does (one contract test suite runs against
/// both); what PostgreSQL adds is concurrency without a single writer:
/// <list type="bullet">
/// <item>A claim takes its batch with <c>SELECT … FOR UPDATE SKIP LOCKED</c> and records owner, lease expiry and a
/// fresh token in the same short transaction: two workers never take the same invoice, and neither waits for the
/// other.</item>
/// <item>Completion, failure and renewal name the token (<c>WHERE claim_token = @token</c>): a worker whose lease ran
/// out and was taken over cannot mark over its successor; its late result is kept in the history.</item>
/// <item>Migrations run under a transaction-scoped advisory lock, so workers starting together apply them once.</item>
/// <item>A server that restarts or a connection that drops is retried for <see cref="PostgresLedgerOptions.RetryTimeout"/>;
/// every write is safe to retry because one that was committed before its answer was lost is recognised by its token.</item>
/// </list>
/// </summary>
public sealed class PostgresExportLedgerStore : IExportLedgerStore
{
    private static readonly Regex SchemaName = new("^[a-z][a-z0-9_]{0,62}$", RegexOptions.CultureInvariant);
    private static readonly TimeSpan ClockCheckInterval = TimeSpan.FromMinutes(1);

    private readonly PostgresLedgerOptions _options;
    private readonly NpgsqlDataSource _dataSource;
    private readonly string _s;
    private readonly SemaphoreSlim _openLock = new(1, 1);
    private volatile bool _opened;
    private TimeSpan _serverClockOffset;

    /// <summary>
    /// Tests only: after a committed attempt of (operation, attempt), throw as if the connection dropped before the
    /// answer arrived, so that the retry's recognition of its own committed work can be checked.
    /// </summary>
    internal Func<string, int, bool>? LoseAnswerAfterCommit { get; set; }
    private long _clockCheckedAt;

    /// <summary>A store on the database and schema of <paramref name="options"/>; nothing is connected until first use.</summary>
    public PostgresExportLedgerStore(PostgresLedgerOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        ArgumentException.ThrowIfNullOrWhiteSpace(options.ConnectionString);
        if (!SchemaName.IsMatch(options.Schema ?? ""))
        {
            throw new ArgumentException(
                $"'{options.Schema}' is not a usable schema name: use lowercase letters, digits and '_', starting with a letter (at most 63).",
                nameof(options));
        }
        _options = options;
        NpgsqlConnectionStringBuilder builder;
        try
        {
            builder = new NpgsqlConnectionStringBuilder(options.ConnectionString);
        }
        catch (ArgumentException e)
        {
            throw new ArgumentException($"The PostgreSQL connection string is not valid: {e.Message}", nameof(options));
        }
        // Named in pg_stat_activity, so an administrator sees which sessions are export workers.
        if (string.IsNullOrEmpty(builder.ApplicationName)) builder.ApplicationName = "teamup-ledger";
        _dataSource = NpgsqlDataSource.Create(builder);
        _s = "\"" + options.Schema + "\"";
        Location = PostgresLedgerLocation.Describe(builder.ConnectionString, options.Schema!);
    }

    /// <summary>Opens the ledger named by a <c>postgres://</c> URL or an Npgsql connection string.</summary>
    public PostgresExportLedgerStore(string ledger) : this(PostgresLedgerLocation.Parse(ledger))
    {
    }

    /// <inheritdoc />
    public string Location { get; }

    /// <inheritdoc />
    public int SchemaVersion { get; private set; }

    /// <summary>
    /// Now, by the configured clock or the server's, to the millisecond (what the SQLite store keeps, so that both
    /// stores compare times alike).
    /// </summary>
    private DateTimeOffset Now
    {
        get
        {
            var now = _options.TimeProvider is { } clock ? clock.GetUtcNow() : DateTimeOffset.UtcNow + _serverClockOffset;
            return DateTimeOffset.FromUnixTimeMilliseconds(now.ToUnixTimeMilliseconds());
        }
    }

    // ---- opening ------------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public async Task OpenAsync(CancellationToken cancellationToken = default)
    {
        if (_opened) return;
        await _openLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!_opened)
            {
                await RunAsync("open", write: true, async (connection, _) =>
                {
                    await MigrateAsync(connection, cancellationToken).ConfigureAwait(false);
                    return true;
                }, cancellationToken, requireOpen: false).ConfigureAwait(false);
                SchemaVersion = PostgresLedgerSchema.CurrentVersion;
                _opened = true;
            }
        }
        finally
        {
            _openLock.Release();
        }
    }

    private async Task MigrateAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        // Workers that start together queue here; the first applies what is missing, the others then find it done.
        await ExecuteAsync(connection, "SELECT pg_advisory_xact_lock(@k, hashtext(@schema));", cancellationToken,
            P("k", PostgresLedgerSchema.AdvisoryLockKey), P("schema", _options.Schema)).ConfigureAwait(false);
        await MeasureClockAsync(connection, cancellationToken).ConfigureAwait(false);

        var relations = await ScalarAsync<long>(connection,
            "SELECT count(*) FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace WHERE n.nspname = @schema;",
            cancellationToken, P("schema", _options.Schema)).ConfigureAwait(false);
        var hasInfo = await ScalarAsync<bool>(connection,
            "SELECT to_regclass(@info) IS NOT NULL;", cancellationToken, P("info", $"{_s}.ledger_info")).ConfigureAwait(false);
        var version = 0;
        if (hasInfo)
        {
            var info = new Dictionary<string, string>(StringComparer.Ordinal);
            await using (var command = Command(connection, $"SELECT key, value FROM {_s}.ledger_info;"))
            await using (var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false))
            {
                while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
                {
                    info[reader.GetString(0)] = reader.GetString(1);
                }
            }
            if (!info.TryGetValue("application", out var application) || application != PostgresLedgerSchema.Application
                || !info.TryGetValue("schema_version", out var text) || !int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out version))
            {
                throw NotALedger("its ledger_info table is not ours");
            }
        }
        else if (relations > 0)
        {
            throw NotALedger($"the schema '{_options.Schema}' holds {relations} tables or other relations of another application");
        }
        if (version > PostgresLedgerSchema.CurrentVersion)
        {
            throw new ExportLedgerException(ExportLedgerErrorKind.NewerSchema, Location,
                $"The ledger {Location} has schema version {version}, newer than the {PostgresLedgerSchema.CurrentVersion} this version of " +
                "TeamUp.Ledger.PostgreSql knows; it was left untouched. Upgrade every worker (the teamup tool or the package) to use it.");
        }
        if (version == PostgresLedgerSchema.CurrentVersion) return;

        if (version == 0)
        {
            await ExecuteAsync(connection, $"CREATE SCHEMA IF NOT EXISTS {_s}; CREATE TABLE {_s}.ledger_info (key text PRIMARY KEY, value text NOT NULL);",
                cancellationToken).ConfigureAwait(false);
            await ExecuteAsync(connection,
                $"INSERT INTO {_s}.ledger_info(key, value) VALUES ('application', @app), ('created_at', @at), ('created_by', @by), ('schema_version', '0');",
                cancellationToken, P("app", PostgresLedgerSchema.Application), P("at", Now.ToString("O", CultureInfo.InvariantCulture)),
                P("by", "TeamUp.Ledger.PostgreSql " + typeof(PostgresExportLedgerStore).Assembly.GetName().Version)).ConfigureAwait(false);
        }
        for (var next = version; next < PostgresLedgerSchema.CurrentVersion; next++)
        {
            await ExecuteAsync(connection, string.Format(CultureInfo.InvariantCulture, PostgresLedgerSchema.Migrations[next], _s), cancellationToken)
                .ConfigureAwait(false);
        }
        await ExecuteAsync(connection, $"UPDATE {_s}.ledger_info SET value = @v WHERE key = 'schema_version';", cancellationToken,
            P("v", PostgresLedgerSchema.CurrentVersion.ToString(CultureInfo.InvariantCulture))).ConfigureAwait(false);
    }

    private async Task MeasureClockAsync(NpgsqlConnection connection, CancellationToken cancellationToken)
    {
        if (_options.TimeProvider is not null) return;
        var before = DateTimeOffset.UtcNow;
        var server = await ScalarAsync<DateTime>(connection, "SELECT clock_timestamp();", cancellationToken).ConfigureAwait(false);
        var after = DateTimeOffset.UtcNow;
        var local = before + (after - before) / 2;
        _serverClockOffset = new DateTimeOffset(DateTime.SpecifyKind(server, DateTimeKind.Utc)) - local;
        Volatile.Write(ref _clockCheckedAt, Environment.TickCount64);
    }

    private ExportLedgerException NotALedger(string why) => new(ExportLedgerErrorKind.NotALedger, Location,
        $"{Location} is not a TeamUp export ledger ({why}); it was left untouched. Give another database or ?schema=.");

    // ---- plumbing -----------------------------------------------------------------------------------------------------

    /// <summary>
    /// Runs <paramref name="body"/> on a fresh pooled connection (in a transaction when <paramref name="write"/>),
    /// retrying the whole of it while the server is unreachable or restarting, or the transaction lost a deadlock.
    /// The body gets the attempt number: from the second on, a write first checks whether the previous attempt was in
    /// fact committed (its answer lost with the connection) and if so returns what it did.
    /// </summary>
    private async Task<T> RunAsync<T>(string operation, bool write, Func<NpgsqlConnection, int, Task<T>> body, CancellationToken cancellationToken,
        bool requireOpen = true)
    {
        if (requireOpen) await OpenAsync(cancellationToken).ConfigureAwait(false);
        return await RetryAsync(operation, async attempt =>
        {
            await using var connection = await _dataSource.OpenConnectionAsync(cancellationToken).ConfigureAwait(false);
            if (_options.TimeProvider is null && Environment.TickCount64 - Volatile.Read(ref _clockCheckedAt) > ClockCheckInterval.TotalMilliseconds)
            {
                await MeasureClockAsync(connection, cancellationToken).ConfigureAwait(false);
            }
            if (!write)
            {
                return await body(connection, attempt).ConfigureAwait(false);
            }
            await using var transaction = await connection.BeginTransactionAsync(cancellationToken).ConfigureAwait(false);
            var result = await body(connection, attempt).ConfigureAwait(false);
            await transaction.CommitAsync(CancellationToken.None).ConfigureAwait(false);
            if (LoseAnswerAfterCommit?.Invoke(operation, attempt) == true)
            {
                throw new NpgsqlException("test: the answer to the commit was lost", new IOException("connection reset (simulated)"));
            }
            return result;
        }, cancellationToken).ConfigureAwait(false);
    }

    private async Task<T> RetryAsync<T>(string operation, Func<int, Task<T>> attemptBody, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        for (var attempt = 1; ; attempt++)
        {
            try
            {
                return await attemptBody(attempt).ConfigureAwait(false);
            }
            catch (NpgsqlException e) when (e.IsTransient && !cancellationToken.IsCancellationRequested
                                            && Stopwatch.GetElapsedTime(started) < _options.RetryTimeout)
            {
                var delay = TimeSpan.FromMilliseconds(Math.Min(2000, 50 * Math.Pow(2, Math.Min(attempt, 10))));
                _options.OnRetry?.Invoke(new PostgresLedgerRetry(operation, attempt, delay, Describe(e)));
                await Task.Delay(delay, cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                throw Translate(e, operation, Stopwatch.GetElapsedTime(started));
            }
        }
    }

    private ExportLedgerException Translate(NpgsqlException e, string operation, TimeSpan elapsed)
    {
        if (e.IsTransient && elapsed >= _options.RetryTimeout)
        {
            return new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location,
                $"The ledger {Location} stayed unavailable for {elapsed.TotalSeconds:0} s ({operation}): {Describe(e)}", e);
        }
        var verb = operation == "open" ? "open" : $"{operation} in";
        return new ExportLedgerException(ExportLedgerErrorKind.Unavailable, Location, $"Cannot {verb} the ledger {Location}: {Describe(e)}", e);
    }

    /// <summary>One line on what went wrong, from PostgreSQL's own words where there are some; never a password.</summary>
    private static string Describe(NpgsqlException e) => e switch
    {
        PostgresException { SqlState: "28P01" or "28000" } p => $"authentication failed ({p.MessageText}); give the password in PGPASSWORD or ~/.pgpass",
        PostgresException { SqlState: "3D000" } p => $"{p.MessageText} (create it first, or name another database)",
        PostgresException { SqlState: "42501" } p => $"permission denied ({p.MessageText}); the ledger's user needs CREATE on the database (once, for the schema) and use of the schema",
        PostgresException p => $"{p.MessageText} (SQLSTATE {p.SqlState})",
        { InnerException: SocketException s } => $"cannot connect: {s.Message}",
        { InnerException: TimeoutException } => "timed out connecting or waiting for the server",
        { InnerException: IOException io } => $"connection lost: {io.Message}",
        _ => e.Message,
    };

    private static NpgsqlParameter P<T>(string name, T value) => new NpgsqlParameter<T>(name, value);

    private static NpgsqlCommand Command(NpgsqlConnection connection, string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlCommand(sql, connection);
        command.Parameters.AddRange(parameters);
        return command;
    }

    private static async Task<int> ExecuteAsync(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        return await command.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
    }

    private static async Task<T> ScalarAsync<T>(NpgsqlConnection connection, string sql, CancellationToken cancellationToken, params NpgsqlParameter[] parameters)
    {
        await using var command = Command(connection, sql, parameters);
        var value = await command.ExecuteScalarAsync(cancellationToken).ConfigureAwait(false);
        return value is null or DBNull ? default! : (T)value;
    }

    private static async Task<List<T>> ListAsync<T>(NpgsqlConnection connection, string sql, Func<NpgsqlDataReader, T> row, CancellationToken cancellationToken,
        params NpgsqlParameter[] parameters)
    {
        var list = new List<T>();
        await using var command = Command(connection, sql, parameters);
        await using var reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
        while (await reader.ReadAsync(cancellationToken).ConfigureAwait(false))
        {
            list.Add(row(reader));
        }
        return list;
    }

    private static DateTimeOffset Time(NpgsqlDataReader reader, int ordinal) => reader.GetFieldValue<DateTimeOffset>(ordinal);

    private static DateTimeOffset? NullableTime(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : Time(reader, ordinal);

    private static string? NullableString(NpgsqlDataReader reader, int ordinal) => reader.IsDBNull(ordinal) ? null : reader.GetString(ordinal);

    private static DateTimeOffset Ms(DateTimeOffset value) => DateTimeOffset.FromUnixTimeMilliseconds(value.ToUnixTimeMilliseconds());

    private static void ValidateLease(TimeSpan lease)
    {
        if (lease <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(lease), lease, "A lease must be longer than zero.");
        }
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

    /// <summary>
    /// Records exports (insert, or replace another version) with an <c>exported</c> history entry each, in one
    /// statement; returns the ids recorded. An invoice already at that version is left alone: the upsert's
    /// <c>WHERE</c> makes that decision on the locked row, so two workers marking the same version at the same moment
    /// record one entry, not two.
    /// </summary>
    private async Task<HashSet<long>> RecordExportsAsync(NpgsqlConnection connection, string system, IReadOnlyList<InvoiceVersion> items, ExportNote note,
        string? owner, string? token, DateTimeOffset now, bool dropQueued, CancellationToken cancellationToken)
    {
        if (items.Count == 0) return [];
        var ids = items.Select(i => i.InvoiceId).ToArray();
        var versions = items.Select(i => i.Version).ToArray();
        var keys = items.Select(i => ExportIdempotencyKey.For(system, i.InvoiceId, i.Version)).ToArray();
        // The queued item at the very version marked is done, unless a live claim holds it (its holder completes it).
        var drop = dropQueued
            ? $"""
              , dropped AS (
                  DELETE FROM {_s}.queue q USING t
                  WHERE q.system = @s AND q.invoice_id = t.invoice_id AND q.version = t.version
                    AND (q.claim_token IS NULL OR q.lease_expires_at <= @now))
              """
            : "";
        var recorded = await ListAsync(connection,
            $"""
            WITH t AS (SELECT * FROM unnest(@ids, @versions, @keys) AS t(invoice_id, version, key)),
            up AS (
                INSERT INTO {_s}.exported AS e (system, invoice_id, version, exported_at, reference, marked_by_token)
                SELECT @s, t.invoice_id, t.version, @now, @ref, @token FROM t ORDER BY t.invoice_id
                ON CONFLICT (system, invoice_id) DO UPDATE
                    SET version = excluded.version, exported_at = excluded.exported_at, reference = excluded.reference,
                        marked_by_token = excluded.marked_by_token
                    WHERE e.version <> excluded.version
                RETURNING e.invoice_id, e.version),
            ev AS (
                INSERT INTO {_s}.events (system, invoice_id, at, kind, version, note, reference, owner, idempotency_key)
                SELECT @s, up.invoice_id, @now, 'exported', up.version, @note, @ref, @owner, t.key FROM up JOIN t USING (invoice_id)
                ORDER BY up.invoice_id){drop}
            SELECT invoice_id FROM up;
            """,
            r => r.GetInt64(0), cancellationToken,
            P("ids", ids), P("versions", versions), P("keys", keys), P("s", system), P("now", now), P("ref", note.Reference), P("token", token),
            P("note", note.Note), P("owner", owner)).ConfigureAwait(false);
        return [.. recorded];
    }

    private Task InsertEventsAsync(NpgsqlConnection connection, string system, LedgerEventKind kind, IReadOnlyList<(long InvoiceId, string? Version, string? Note, string? Key)> events,
        string? reference, string? owner, DateTimeOffset now, CancellationToken cancellationToken)
    {
        if (events.Count == 0) return Task.CompletedTask;
        return ExecuteAsync(connection,
            $"""
            INSERT INTO {_s}.events (system, invoice_id, at, kind, version, note, reference, owner, idempotency_key)
            SELECT @s, t.invoice_id, @now, @kind, t.version, t.note, @ref, @owner, t.key
            FROM unnest(@ids, @versions, @notes, @keys) WITH ORDINALITY AS t(invoice_id, version, note, key, n) ORDER BY t.n;
            """,
            cancellationToken, P("s", system), P("now", now), P("kind", LedgerText.Kind(kind)), P("ref", reference), P("owner", owner),
            P("ids", events.Select(e => e.InvoiceId).ToArray()), P("versions", events.Select(e => e.Version).ToArray()),
            P("notes", events.Select(e => e.Note).ToArray()), P("keys", events.Select(e => e.Key).ToArray()));
    }

    // ---- exported -----------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public async IAsyncEnumerable<ExportedInvoice> GetExportedAsync(string system, [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        // Connecting is retried like any operation; a stream cut halfway is not (the caller would see rows twice).
        await OpenAsync(cancellationToken).ConfigureAwait(false);
        var open = await RetryAsync("read", _ => _dataSource.OpenConnectionAsync(cancellationToken).AsTask(), cancellationToken).ConfigureAwait(false);
        await using (open.ConfigureAwait(false))
        {
            await using var command = Command(open,
                $"SELECT invoice_id, version, exported_at, reference FROM {_s}.exported WHERE system = @s ORDER BY invoice_id;", P("s", system));
            NpgsqlDataReader reader;
            try
            {
                reader = await command.ExecuteReaderAsync(cancellationToken).ConfigureAwait(false);
            }
            catch (NpgsqlException e)
            {
                throw Translate(e, "read", TimeSpan.Zero);
            }
            await using (reader.ConfigureAwait(false))
            {
                while (true)
                {
                    try
                    {
                        if (!await reader.ReadAsync(cancellationToken).ConfigureAwait(false)) break;
                    }
                    catch (NpgsqlException e)
                    {
                        throw Translate(e, "read", TimeSpan.Zero);
                    }
                    yield return new ExportedInvoice(reader.GetInt64(0), reader.GetString(1), Time(reader, 2), NullableString(reader, 3));
                }
            }
        }
    }

    /// <inheritdoc />
    public Task<IReadOnlyDictionary<long, ExportedInvoice>> GetExportedAsync(string system, IReadOnlyCollection<long> invoiceIds,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentNullException.ThrowIfNull(invoiceIds);
        var ids = invoiceIds.Distinct().ToArray();
        return RunAsync<IReadOnlyDictionary<long, ExportedInvoice>>("read", write: false, async (connection, _) =>
        {
            var rows = await ListAsync(connection,
                $"SELECT invoice_id, version, exported_at, reference FROM {_s}.exported WHERE system = @s AND invoice_id = ANY(@ids);",
                r => new ExportedInvoice(r.GetInt64(0), r.GetString(1), Time(r, 2), NullableString(r, 3)), cancellationToken,
                P("s", system), P("ids", ids)).ConfigureAwait(false);
            return rows.ToDictionary(r => r.InvoiceId);
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
        var distinct = invoices.DistinctBy(i => i.InvoiceId).ToList();
        return RunAsync("mark", write: true, async (connection, _) =>
        {
            var recorded = await RecordExportsAsync(connection, system, distinct, note, owner: null, token: null, Now, dropQueued: true, cancellationToken)
                .ConfigureAwait(false);
            return new MarkResult(
                distinct.Where(i => recorded.Contains(i.InvoiceId)).Select(i => i.InvoiceId).ToList(),
                distinct.Where(i => !recorded.Contains(i.InvoiceId)).Select(i => i.InvoiceId).ToList());
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> ForgetAsync(string system, IReadOnlyCollection<long> invoiceIds, string? note,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentNullException.ThrowIfNull(invoiceIds);
        var ids = invoiceIds.Distinct().ToList();
        return RunAsync<IReadOnlyList<long>>("forget", write: true, async (connection, _) =>
        {
            var forgotten = await ListAsync(connection,
                $"""
                WITH d AS (DELETE FROM {_s}.exported WHERE system = @s AND invoice_id = ANY(@ids) RETURNING invoice_id, version),
                ev AS (
                    INSERT INTO {_s}.events (system, invoice_id, at, kind, version, note)
                    SELECT @s, invoice_id, @now, 'forgotten', version, @note FROM d ORDER BY invoice_id)
                SELECT invoice_id FROM d;
                """,
                r => r.GetInt64(0), cancellationToken, P("s", system), P("ids", ids.ToArray()), P("now", Now), P("note", note)).ConfigureAwait(false);
            var set = forgotten.ToHashSet();
            return ids.Where(set.Contains).ToList();
        }, cancellationToken);
    }

    // ---- discovery ----------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public Task<DiscoveryTicket?> TryBeginDiscoveryAsync(string system, string owner, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ValidateLease(lease);
        // Chosen once for all attempts: a retry recognises its own committed begin by it.
        var token = Guid.NewGuid().ToString("N");
        return RunAsync<DiscoveryTicket?>("begin discovery", write: true, async (connection, attempt) =>
        {
            var now = Now;
            if (attempt > 1)
            {
                var mine = await ListAsync(connection, $"SELECT generation, lease_expires_at FROM {_s}.discovery WHERE system = @s AND token = @t;",
                    r => new DiscoveryTicket(system, r.GetInt64(0), owner, token, Time(r, 1)), cancellationToken, P("s", system), P("t", token))
                    .ConfigureAwait(false);
                if (mine.Count > 0) return mine[0];
            }
            var expires = Ms(now + lease);
            var generation = await ListAsync(connection,
                $"""
                INSERT INTO {_s}.discovery AS d (system, generation, owner, token, lease_expires_at) VALUES (@s, 1, @o, @t, @exp)
                ON CONFLICT (system) DO UPDATE SET generation = d.generation + 1, owner = excluded.owner, token = excluded.token,
                    lease_expires_at = excluded.lease_expires_at
                WHERE d.owner IS NULL OR d.lease_expires_at IS NULL OR d.lease_expires_at <= @now
                RETURNING generation;
                """,
                r => r.GetInt64(0), cancellationToken, P("s", system), P("o", owner), P("t", token), P("exp", expires), P("now", now)).ConfigureAwait(false);
            return generation.Count == 0 ? null : new DiscoveryTicket(system, generation[0], owner, token, expires);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> RenewDiscoveryAsync(DiscoveryTicket ticket, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        ValidateLease(lease);
        return RunAsync("renew discovery", write: true, async (connection, _) =>
            await ExecuteAsync(connection, $"UPDATE {_s}.discovery SET lease_expires_at = @exp WHERE system = @s AND token = @t;", cancellationToken,
                P("exp", Ms(Now + lease)), P("s", ticket.System), P("t", ticket.Token)).ConfigureAwait(false) > 0,
            cancellationToken);
    }

    /// <summary>
    /// Checks the ticket still holds discovery and keeps the row locked (shared) to the end of the transaction, so a
    /// takeover cannot slip in between the check and the write.
    /// </summary>
    private async Task RequireDiscoveryAsync(NpgsqlConnection connection, DiscoveryTicket ticket, CancellationToken cancellationToken)
    {
        var token = await ScalarAsync<string?>(connection, $"SELECT token FROM {_s}.discovery WHERE system = @s FOR SHARE;", cancellationToken,
            P("s", ticket.System)).ConfigureAwait(false);
        if (token != ticket.Token)
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
        // One row per invoice (the last candidate wins, as staging them one after the other would leave it).
        var rows = candidates.GroupBy(c => c.InvoiceId).Select(g => g.Last()).OrderBy(c => c.InvoiceId).ToList();
        return RunAsync("stage", write: true, async (connection, _) =>
        {
            await RequireDiscoveryAsync(connection, ticket, cancellationToken).ConfigureAwait(false);
            if (rows.Count == 0) return true;
            await ExecuteAsync(connection,
                $"""
                INSERT INTO {_s}.queue AS q (system, invoice_id, version, reason, payload, generation)
                SELECT @s, t.invoice_id, t.version, t.reason, t.payload, @g FROM unnest(@ids, @versions, @reasons, @payloads) AS t(invoice_id, version, reason, payload)
                ON CONFLICT (system, invoice_id) DO UPDATE SET version = excluded.version, reason = excluded.reason, payload = excluded.payload,
                    generation = excluded.generation,
                    last_error = CASE WHEN q.version = excluded.version THEN q.last_error ELSE NULL END;
                """,
                cancellationToken, P("s", ticket.System), P("g", ticket.Generation), P("ids", rows.Select(r => r.InvoiceId).ToArray()),
                P("versions", rows.Select(r => r.Version).ToArray()), P("reasons", rows.Select(r => LedgerText.Reason(r.Reason)).ToArray()),
                P("payloads", rows.Select(r => r.Payload).ToArray())).ConfigureAwait(false);
            return true;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<DiscoveryResult> CompleteDiscoveryAsync(DiscoveryTicket ticket, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(ticket);
        return RunAsync("complete discovery", write: true, async (connection, attempt) =>
        {
            if (attempt > 1)
            {
                var completed = await ScalarAsync<long>(connection, $"SELECT completed_generation FROM {_s}.discovery WHERE system = @s AND token IS NULL;",
                    cancellationToken, P("s", ticket.System)).ConfigureAwait(false);
                if (completed == ticket.Generation)
                {
                    // The previous attempt committed; what it dropped is not known any more.
                    var queuedNow = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {_s}.queue WHERE system = @s;", cancellationToken,
                        P("s", ticket.System)).ConfigureAwait(false);
                    return new DiscoveryResult((int)queuedNow, 0);
                }
            }
            await RequireDiscoveryAsync(connection, ticket, cancellationToken).ConfigureAwait(false);
            var dropped = await ExecuteAsync(connection,
                $"DELETE FROM {_s}.queue WHERE system = @s AND generation < @g AND claim_token IS NULL AND NOT uncertain;",
                cancellationToken, P("s", ticket.System), P("g", ticket.Generation)).ConfigureAwait(false);
            await ExecuteAsync(connection,
                $"""
                UPDATE {_s}.discovery SET owner = NULL, token = NULL, lease_expires_at = NULL, completed_generation = @g, completed_at = @now
                WHERE system = @s;
                """,
                cancellationToken, P("s", ticket.System), P("g", ticket.Generation), P("now", Now)).ConfigureAwait(false);
            var queued = await ScalarAsync<long>(connection, $"SELECT count(*) FROM {_s}.queue WHERE system = @s;", cancellationToken,
                P("s", ticket.System)).ConfigureAwait(false);
            return new DiscoveryResult((int)queued, dropped);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<bool> ExpireDiscoveryAsync(string system, string owner, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        return RunAsync("expire discovery", write: true, async (connection, _) =>
            await ExecuteAsync(connection,
                $"UPDATE {_s}.discovery SET owner = NULL, token = NULL, lease_expires_at = NULL WHERE system = @s AND owner = @o AND token IS NOT NULL;",
                cancellationToken, P("s", system), P("o", owner)).ConfigureAwait(false) > 0,
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<DiscoveryState?> GetDiscoveryStateAsync(string system, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        return RunAsync<DiscoveryState?>("read", write: false, async (connection, _) =>
        {
            var rows = await ListAsync(connection,
                $"SELECT generation, completed_generation, owner, lease_expires_at, completed_at FROM {_s}.discovery WHERE system = @s;",
                r => new DiscoveryState(r.GetInt64(0), r.GetInt64(1), NullableString(r, 2), NullableTime(r, 3), NullableTime(r, 4)),
                cancellationToken, P("s", system)).ConfigureAwait(false);
            return rows.Count == 0 ? null : rows[0];
        }, cancellationToken);
    }

    // ---- claims -------------------------------------------------------------------------------------------------------

    private sealed record QueueRow(long InvoiceId, string Version, string Reason, string? Payload, string? Token, string? Owner,
        string? ClaimedVersion, int Deliveries, bool Uncertain, string? LastError, string? ExportedVersion);

    /// <inheritdoc />
    public Task<ExportClaim?> ClaimAsync(string system, string owner, int maxItems, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(owner);
        ArgumentOutOfRangeException.ThrowIfLessThan(maxItems, 1);
        ValidateLease(lease);
        var token = Guid.NewGuid().ToString("N");
        return RunAsync<ExportClaim?>("claim", write: true, async (connection, attempt) =>
        {
            var now = Now;
            if (attempt > 1)
            {
                var already = await HeldClaimAsync(connection, system, token, owner, cancellationToken).ConfigureAwait(false);
                if (already is not null) return already;
            }
            // The queue fills during a run, faster than autovacuum refreshes its statistics: planned on stale ones
            // (an "empty" table) the claim below read and sorted the whole queue for every batch (82 ms at 3,000 rows,
            // against 0.8 ms). Walking the primary key in order is right at any size: it stops after maxItems rows.
            await ExecuteAsync(connection, "SET LOCAL enable_sort = off;", cancellationToken).ConfigureAwait(false);
            var picked = new List<QueueRow>();
            var stale = new List<long>();
            var after = long.MinValue;
            while (picked.Count < maxItems)
            {
                // Rows another claim is taking right now are locked: skip them instead of waiting (and then finding
                // them taken). Rows held under a live lease are not claimable, nor failed ones waiting out their retry
                // delay (lease_expires_at with no token); under an expired lease they are.
                var rows = await ListAsync(connection,
                    $"""
                    SELECT q.invoice_id, q.version, q.reason, q.payload, q.claim_token, q.claim_owner, q.claimed_version, q.deliveries, q.uncertain,
                           q.last_error, e.version
                    FROM {_s}.queue q LEFT JOIN {_s}.exported e ON e.system = q.system AND e.invoice_id = q.invoice_id
                    WHERE q.system = @s AND q.invoice_id > @after AND (q.lease_expires_at IS NULL OR q.lease_expires_at <= @now)
                    ORDER BY q.invoice_id LIMIT @n
                    FOR UPDATE OF q SKIP LOCKED;
                    """,
                    r => new QueueRow(r.GetInt64(0), r.GetString(1), r.GetString(2), NullableString(r, 3), NullableString(r, 4), NullableString(r, 5),
                        NullableString(r, 6), r.GetInt32(7), r.GetBoolean(8), NullableString(r, 9), NullableString(r, 10)),
                    cancellationToken, P("s", system), P("after", after), P("now", now), P("n", maxItems - picked.Count)).ConfigureAwait(false);
                if (rows.Count == 0) break;
                after = rows[^1].InvoiceId;
                foreach (var row in rows)
                {
                    // Marked meanwhile at the very version queued: nothing left to deliver.
                    if (row.ExportedVersion == row.Version) stale.Add(row.InvoiceId);
                    else picked.Add(row);
                }
            }

            var expires = Ms(now + lease);
            var items = new List<ClaimedInvoice>(picked.Count);
            var takeovers = new List<(long, string?, string?, string?)>();
            foreach (var row in picked)
            {
                // Taken over from a lease that ran out: the previous holder may have delivered it. Say so, in the
                // history and on the item, and hand it out again under the key of the version it had.
                var takenOver = row.Token is not null;
                if (takenOver)
                {
                    var previous = row.ClaimedVersion ?? row.Version;
                    takeovers.Add((row.InvoiceId, previous, $"handed out to {row.Owner} without an answer before its lease ran out; handed out again",
                        ExportIdempotencyKey.For(system, row.InvoiceId, previous)));
                }
                items.Add(new ClaimedInvoice(row.InvoiceId, row.Version, LedgerText.ParseReason(row.Reason), row.Payload,
                    ExportIdempotencyKey.For(system, row.InvoiceId, row.Version), takenOver || row.Uncertain, row.Deliveries + 1, row.LastError));
            }

            await using var batch = new NpgsqlBatch(connection);
            if (stale.Count > 0)
            {
                batch.BatchCommands.Add(BatchCommand($"DELETE FROM {_s}.queue WHERE system = @s AND invoice_id = ANY(@ids);",
                    P("s", system), P("ids", stale.ToArray())));
            }
            if (items.Count > 0)
            {
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    UPDATE {_s}.queue q SET claim_token = @t, claim_owner = @o, lease_expires_at = @exp, claimed_version = q.version,
                        deliveries = q.deliveries + 1, uncertain = t.uncertain
                    FROM unnest(@ids, @uncertain) AS t(invoice_id, uncertain)
                    WHERE q.system = @s AND q.invoice_id = t.invoice_id;
                    """,
                    P("t", token), P("o", owner), P("exp", expires), P("s", system), P("ids", items.Select(i => i.InvoiceId).ToArray()),
                    P("uncertain", items.Select(i => i.Uncertain).ToArray())));
            }
            if (takeovers.Count > 0)
            {
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    INSERT INTO {_s}.events (system, invoice_id, at, kind, version, note, owner, idempotency_key)
                    SELECT @s, t.invoice_id, @now, 'uncertain', t.version, t.note, @o, t.key
                    FROM unnest(@ids, @versions, @notes, @keys) WITH ORDINALITY AS t(invoice_id, version, note, key, n) ORDER BY t.n;
                    """,
                    P("s", system), P("now", now), P("o", owner), P("ids", takeovers.Select(e => e.Item1).ToArray()),
                    P("versions", takeovers.Select(e => e.Item2).ToArray()), P("notes", takeovers.Select(e => e.Item3).ToArray()),
                    P("keys", takeovers.Select(e => e.Item4).ToArray())));
            }
            if (batch.BatchCommands.Count > 0)
            {
                await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            }
            return items.Count == 0 ? null : new ExportClaim(system, token, owner, expires, items);
        }, cancellationToken);
    }

    private static NpgsqlBatchCommand BatchCommand(string sql, params NpgsqlParameter[] parameters)
    {
        var command = new NpgsqlBatchCommand(sql);
        command.Parameters.AddRange(parameters);
        return command;
    }

    /// <summary>The claim a token holds, rebuilt from the queue (a retried claim whose first attempt was committed).</summary>
    private async Task<ExportClaim?> HeldClaimAsync(NpgsqlConnection connection, string system, string token, string owner, CancellationToken cancellationToken)
    {
        var rows = await ListAsync(connection,
            $"""
            SELECT invoice_id, claimed_version, reason, payload, deliveries, uncertain, last_error, lease_expires_at
            FROM {_s}.queue WHERE system = @s AND claim_token = @t ORDER BY invoice_id;
            """,
            r => (Item: new ClaimedInvoice(r.GetInt64(0), r.GetString(1), LedgerText.ParseReason(r.GetString(2)), NullableString(r, 3),
                ExportIdempotencyKey.For(system, r.GetInt64(0), r.GetString(1)), r.GetBoolean(5), r.GetInt32(4), NullableString(r, 6)), Expires: Time(r, 7)),
            cancellationToken, P("s", system), P("t", token)).ConfigureAwait(false);
        return rows.Count == 0 ? null : new ExportClaim(system, token, owner, rows.Max(r => r.Expires), rows.Select(r => r.Item).ToList());
    }

    /// <inheritdoc />
    public Task<bool> RenewClaimAsync(string system, string token, TimeSpan lease, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ValidateLease(lease);
        return RunAsync("renew claim", write: true, async (connection, _) =>
            await ExecuteAsync(connection, $"UPDATE {_s}.queue SET lease_expires_at = @exp WHERE system = @s AND claim_token = @t;", cancellationToken,
                P("exp", Ms(Now + lease)), P("s", system), P("t", token)).ConfigureAwait(false) > 0,
            cancellationToken);
    }

    private async Task<Dictionary<long, (string ClaimedVersion, string Version, string? Owner)>> HeldAsync(NpgsqlConnection connection, string system,
        string token, CancellationToken cancellationToken)
    {
        // Locked to the end of the transaction: a claim taking these over after their lease ends waits for us.
        var rows = await ListAsync(connection,
            $"""
            SELECT invoice_id, claimed_version, version, claim_owner FROM {_s}.queue
            WHERE system = @s AND claim_token = @t ORDER BY invoice_id FOR UPDATE;
            """,
            r => (Id: r.GetInt64(0), Held: (NullableString(r, 1) ?? r.GetString(2), r.GetString(2), NullableString(r, 3))),
            cancellationToken, P("s", system), P("t", token)).ConfigureAwait(false);
        return rows.ToDictionary(r => r.Id, r => r.Held);
    }

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
        var confirmed = exported.DistinctBy(e => e.InvoiceId).ToList();
        return RunAsync("complete", write: true, async (connection, attempt) =>
        {
            var now = Now;
            var held = await HeldAsync(connection, system, token, cancellationToken).ConfigureAwait(false);
            foreach (var item in confirmed)
            {
                if (held.TryGetValue(item.InvoiceId, out var h) && h.ClaimedVersion != item.Version)
                {
                    throw new ArgumentException(
                        $"Invoice {item.InvoiceId} was handed out at version {h.ClaimedVersion}, not {item.Version}: confirm the version the claim handed out.",
                        nameof(exported));
                }
            }
            var mine = confirmed.Where(i => held.ContainsKey(i.InvoiceId)).Select(i => new InvoiceVersion(i.InvoiceId, held[i.InvoiceId].ClaimedVersion)).ToList();
            var lost = confirmed.Where(i => !held.ContainsKey(i.InvoiceId)).ToList();

            var appliedBefore = new HashSet<long>();
            if (attempt > 1 && lost.Count > 0)
            {
                // The answer of an earlier attempt was lost with its connection: what it marked carries our token.
                appliedBefore = (await ListAsync(connection,
                    $"SELECT invoice_id, version FROM {_s}.exported WHERE system = @s AND marked_by_token = @t AND invoice_id = ANY(@ids);",
                    r => (r.GetInt64(0), r.GetString(1)), cancellationToken, P("s", system), P("t", token),
                    P("ids", lost.Select(l => l.InvoiceId).ToArray())).ConfigureAwait(false))
                    .Where(r => lost.Any(l => l.InvoiceId == r.Item1 && l.Version == r.Item2)).Select(r => r.Item1).ToHashSet();
                lost = lost.Where(l => !appliedBefore.Contains(l.InvoiceId)).ToList();
            }

            var owner = held.Values.Select(h => h.Owner).FirstOrDefault(o => o is not null);
            var recorded = await RecordExportsAsync(connection, system, mine, note, owner, token, now, dropQueued: false, cancellationToken).ConfigureAwait(false);

            await using var batch = new NpgsqlBatch(connection);
            if (mine.Count > 0)
            {
                // Done, unless it changed while it was out: then the version delivered is marked and the newer one
                // stays queued, released with an answer (not uncertain) and claimable at once.
                var ids = mine.Select(m => m.InvoiceId).ToArray();
                batch.BatchCommands.Add(BatchCommand(
                    $"DELETE FROM {_s}.queue WHERE system = @s AND claim_token = @t AND invoice_id = ANY(@ids) AND version = claimed_version;",
                    P("s", system), P("t", token), P("ids", ids)));
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    UPDATE {_s}.queue SET claim_token = NULL, claim_owner = NULL, lease_expires_at = NULL, claimed_version = NULL, uncertain = false,
                        last_error = NULL
                    WHERE system = @s AND claim_token = @t AND invoice_id = ANY(@ids);
                    """,
                    P("s", system), P("t", token), P("ids", ids)));
            }
            if (held.Count > mine.Count)
            {
                // Handed out and not confirmed: pending again, but not before the retry delay, so an exporter that
                // keeps declining an invoice does not get it straight back.
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    UPDATE {_s}.queue SET claim_token = NULL, claim_owner = NULL, lease_expires_at = @notBefore, claimed_version = NULL, uncertain = false,
                        last_error = 'not confirmed by the exporter'
                    WHERE system = @s AND claim_token = @t;
                    """,
                    P("s", system), P("t", token), P<DateTimeOffset?>("notBefore", retryRestAfter > TimeSpan.Zero ? Ms(now + retryRestAfter) : null)));
            }
            if (lost.Count > 0)
            {
                // The claim lost these (its lease ran out and another worker took them, or they were completed or
                // forgotten meanwhile). Marking now could overwrite the newer holder's result; keep the report instead.
                batch.BatchCommands.Add(BatchCommand(
                    $"""
                    INSERT INTO {_s}.events (system, invoice_id, at, kind, version, note, reference, idempotency_key)
                    SELECT @s, t.invoice_id, @now, 'late_result', t.version, @note, @ref, t.key
                    FROM unnest(@ids, @versions, @keys) WITH ORDINALITY AS t(invoice_id, version, key, n) ORDER BY t.n;
                    """,
                    P("s", system), P("now", now), P("note", $"exported after the claim was lost (token {token}); not applied. Note: {note.Note}"),
                    P("ref", note.Reference), P("ids", lost.Select(l => l.InvoiceId).ToArray()), P("versions", lost.Select(l => l.Version).ToArray()),
                    P("keys", lost.Select(l => ExportIdempotencyKey.For(system, l.InvoiceId, l.Version)).ToArray())));
            }
            // The claim was committed durably before delivery; if the server crashes before this completion reaches
            // disk, the batch is only uncertain again (handed out once more, same keys), nothing is lost. So the
            // commit does not wait for its WAL flush: one fsync per batch instead of two, as the SQLite store does.
            batch.BatchCommands.Add(BatchCommand("SET LOCAL synchronous_commit TO off;"));
            await batch.ExecuteNonQueryAsync(cancellationToken).ConfigureAwait(false);
            var confirmedIds = confirmed.Select(c => c.InvoiceId).ToHashSet();
            return new CompleteResult(
                mine.Where(m => recorded.Contains(m.InvoiceId)).Select(m => m.InvoiceId).Concat(appliedBefore).ToList(),
                mine.Where(m => !recorded.Contains(m.InvoiceId)).Select(m => m.InvoiceId).ToList(),
                held.Keys.Where(id => !confirmedIds.Contains(id)).Order().ToList(),
                lost.Select(l => l.InvoiceId).ToList());
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<long>> FailClaimAsync(string system, string token, string error, TimeSpan retryAfter,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(token);
        ArgumentNullException.ThrowIfNull(error);
        ArgumentOutOfRangeException.ThrowIfLessThan(retryAfter, TimeSpan.Zero);
        return RunAsync<IReadOnlyList<long>>("fail", write: true, async (connection, _) =>
        {
            var held = await HeldAsync(connection, system, token, cancellationToken).ConfigureAwait(false);
            var released = held.Keys.Order().ToList();
            if (released.Count == 0) return released;
            await ExecuteAsync(connection,
                $"""
                UPDATE {_s}.queue SET claim_token = NULL, claim_owner = NULL, lease_expires_at = @notBefore, claimed_version = NULL, uncertain = false,
                    last_error = @e
                WHERE system = @s AND claim_token = @t;
                """,
                cancellationToken, P("e", error), P("s", system), P("t", token),
                P<DateTimeOffset?>("notBefore", retryAfter > TimeSpan.Zero ? Ms(Now + retryAfter) : null)).ConfigureAwait(false);
            // Released with an answer, so not uncertain; a failed one is not claimable before notBefore (a token-less
            // lease end). One owner per claim; each entry names it, as the SQLite store does.
            foreach (var group in released.GroupBy(id => held[id].Owner))
            {
                await InsertEventsAsync(connection, system, LedgerEventKind.Failed,
                    group.Select(id => (id, (string?)held[id].ClaimedVersion, (string?)error, (string?)ExportIdempotencyKey.For(system, id, held[id].ClaimedVersion))).ToList(),
                    reference: null, owner: group.Key, Now, cancellationToken).ConfigureAwait(false);
            }
            return released;
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<ClaimInfo>> GetClaimsAsync(string system, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        return RunAsync<IReadOnlyList<ClaimInfo>>("read", write: false, async (connection, _) =>
            await ListAsync(connection,
                $"""
                SELECT claim_token, max(claim_owner), max(lease_expires_at), count(*) FROM {_s}.queue
                WHERE system = @s AND claim_token IS NOT NULL GROUP BY claim_token ORDER BY min(invoice_id);
                """,
                r => new ClaimInfo(system, r.GetString(0), NullableString(r, 1) ?? "", Time(r, 2), (int)r.GetInt64(3)),
                cancellationToken, P("s", system)).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<int> ExpireClaimAsync(string system, string token, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentException.ThrowIfNullOrEmpty(token);
        return RunAsync("expire claim", write: true, (connection, _) =>
            ExecuteAsync(connection, $"UPDATE {_s}.queue SET lease_expires_at = @now WHERE system = @s AND claim_token = @t;", cancellationToken,
                P("now", Now), P("s", system), P("t", token)), cancellationToken);
    }

    // ---- reading ------------------------------------------------------------------------------------------------------

    /// <inheritdoc />
    public Task<IReadOnlyList<LedgerEvent>> GetHistoryAsync(long invoiceId, string? system, CancellationToken cancellationToken = default)
    {
        if (system is not null) ExportSystem.Validate(system);
        return RunAsync<IReadOnlyList<LedgerEvent>>("read", write: false, async (connection, _) =>
            await ListAsync(connection,
                $"""
                SELECT seq, system, invoice_id, at, kind, version, note, reference, owner, idempotency_key FROM {_s}.events
                WHERE invoice_id = @i AND (@s::text IS NULL OR system = @s) ORDER BY seq;
                """,
                r => new LedgerEvent(r.GetInt64(0), r.GetString(1), r.GetInt64(2), Time(r, 3), LedgerText.ParseKind(r.GetString(4)), NullableString(r, 5),
                    NullableString(r, 6), NullableString(r, 7), NullableString(r, 8), NullableString(r, 9)),
                cancellationToken, P("i", invoiceId), P("s", system)).ConfigureAwait(false),
            cancellationToken);
    }

    /// <inheritdoc />
    public Task<LedgerStatus> GetStatusAsync(string system, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        return RunAsync("read", write: false, async (connection, _) =>
        {
            var rows = await ListAsync(connection,
                $"""
                SELECT
                    (SELECT count(*) FROM {_s}.exported WHERE system = @s),
                    (SELECT max(exported_at) FROM {_s}.exported WHERE system = @s),
                    (SELECT count(*) FROM {_s}.queue WHERE system = @s AND (claim_token IS NULL OR lease_expires_at <= @now)),
                    (SELECT count(*) FROM {_s}.queue WHERE system = @s AND claim_token IS NOT NULL AND lease_expires_at > @now),
                    (SELECT count(*) FROM {_s}.queue WHERE system = @s AND claim_token IS NOT NULL AND lease_expires_at <= @now),
                    (SELECT count(*) FROM {_s}.queue WHERE system = @s AND last_error IS NOT NULL),
                    (SELECT completed_at FROM {_s}.discovery WHERE system = @s);
                """,
                r => new LedgerStatus(system, (int)r.GetInt64(0), (int)r.GetInt64(2), (int)r.GetInt64(3), (int)r.GetInt64(4), (int)r.GetInt64(5),
                    NullableTime(r, 1), NullableTime(r, 6)),
                cancellationToken, P("s", system), P("now", Now)).ConfigureAwait(false);
            return rows[0];
        }, cancellationToken);
    }

    /// <inheritdoc />
    public Task<IReadOnlyList<string>> GetSystemsAsync(CancellationToken cancellationToken = default) =>
        RunAsync<IReadOnlyList<string>>("read", write: false, async (connection, _) =>
            await ListAsync(connection,
                $"SELECT system FROM {_s}.exported UNION SELECT system FROM {_s}.queue UNION SELECT system FROM {_s}.events ORDER BY 1;",
                r => r.GetString(0), cancellationToken).ConfigureAwait(false),
            cancellationToken);

    /// <inheritdoc />
    public async ValueTask DisposeAsync()
    {
        _openLock.Dispose();
        await _dataSource.DisposeAsync().ConfigureAwait(false);
    }
}
