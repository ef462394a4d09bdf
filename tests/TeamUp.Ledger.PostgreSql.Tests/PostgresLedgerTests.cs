using Microsoft.Extensions.Time.Testing;
using Npgsql;
using TeamUp.Ledger.PostgreSql;
using TeamUp.Testing;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>What PostgreSQL adds to the contract: many openers and claimers at once, refusal of foreign schemas, retries.</summary>
public sealed class PostgresLedgerTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>
{
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    private PostgresExportLedgerStore NewStore(string schema, TimeProvider? time = null, TimeSpan? retryTimeout = null,
        Action<PostgresLedgerRetry>? onRetry = null, string? connectionString = null) =>
        new(new PostgresLedgerOptions
        {
            ConnectionString = connectionString ?? database.ConnectionString,
            Schema = schema,
            TimeProvider = time,
            RetryTimeout = retryTimeout ?? TimeSpan.FromSeconds(60),
            OnRetry = onRetry,
        });

    private static string NewSchema() => "t_" + Guid.NewGuid().ToString("N")[..12];

    private async Task<T> ScalarAsync<T>(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        return (T)(await command.ExecuteScalarAsync())!;
    }

    private async Task ExecuteAsync(string sql)
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand(sql, connection);
        await command.ExecuteNonQueryAsync();
    }

    private static async Task QueueAsync(IExportLedgerStore store, string system, int count)
    {
        var ticket = await store.TryBeginDiscoveryAsync(system, "discoverer", Lease);
        Assert.NotNull(ticket);
        await store.StageAsync(ticket, Enumerable.Range(1, count).Select(i => new ExportCandidate(i, "v1", PendingReason.New, $"{{\"id\":{i}}}")).ToList());
        await store.CompleteDiscoveryAsync(ticket);
    }

    [Fact]
    public async Task Workers_opening_a_new_ledger_at_once_apply_the_migrations_exactly_once()
    {
        var schema = NewSchema();
        var stores = Enumerable.Range(0, 8).Select(_ => NewStore(schema)).ToList();
        try
        {
            // Without the advisory lock, concurrent CREATE SCHEMA / CREATE TABLE of the same names fail with
            // duplicate-key errors in the catalog, or one worker sees half a schema.
            await Task.WhenAll(stores.Select(s => Task.Run(() => s.OpenAsync())));
            Each.Of(stores, s => Assert.Equal(1, s.SchemaVersion));
            Assert.Equal(5L, await ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
            Assert.Equal("1", await ScalarAsync<string>($"SELECT value FROM {schema}.ledger_info WHERE key = 'schema_version'"));
            Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM {schema}.ledger_info WHERE key = 'created_at'"));
        }
        finally
        {
            foreach (var s in stores) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_schema_of_another_application_is_refused_and_left_untouched()
    {
        var schema = NewSchema();
        await ExecuteAsync($"CREATE SCHEMA {schema}; CREATE TABLE {schema}.orders (id int); INSERT INTO {schema}.orders VALUES (7);");
        await using var store = NewStore(schema);
        var e = await Assert.ThrowsAsync<ExportLedgerException>(() => store.OpenAsync());
        Assert.Equal(ExportLedgerErrorKind.NotALedger, e.Kind);
        Assert.Contains("left untouched", e.Message);
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM pg_tables WHERE schemaname = '{schema}'"));
        Assert.Equal(7, await ScalarAsync<int>($"SELECT id FROM {schema}.orders"));
    }

    [Fact]
    public async Task A_ledger_with_a_newer_schema_is_refused_and_left_untouched()
    {
        var schema = NewSchema();
        await using (var first = NewStore(schema))
        {
            await first.MarkExportedAsync("xero", [new InvoiceVersion(1, "v1")], new ExportNote("n"));
        }
        await ExecuteAsync($"UPDATE {schema}.ledger_info SET value = '99' WHERE key = 'schema_version'");
        await using var store = NewStore(schema);
        var e = await Assert.ThrowsAsync<ExportLedgerException>(() => store.OpenAsync());
        Assert.Equal(ExportLedgerErrorKind.NewerSchema, e.Kind);
        Assert.Contains("schema version 99", e.Message);
        Assert.Equal("99", await ScalarAsync<string>($"SELECT value FROM {schema}.ledger_info WHERE key = 'schema_version'"));
        Assert.Equal(1L, await ScalarAsync<long>($"SELECT count(*) FROM {schema}.exported"));
    }

    [Fact]
    public async Task Two_schemas_in_one_database_are_two_independent_ledgers()
    {
        await using var a = NewStore(NewSchema());
        await using var b = NewStore(NewSchema());
        await a.MarkExportedAsync("xero", [new InvoiceVersion(1, "v1")], new ExportNote("n"));
        Assert.Single(await a.GetExportedAsync("xero").ToListAsync());
        Assert.Empty(await b.GetExportedAsync("xero").ToListAsync());
    }

    [Fact]
    public async Task Many_claimers_at_once_never_share_an_invoice_and_take_all_of_them()
    {
        var schema = NewSchema();
        await using var setup = NewStore(schema);
        await QueueAsync(setup, "xero", 600);
        var stores = Enumerable.Range(0, 6).Select(_ => NewStore(schema)).ToList();
        try
        {
            var claimed = await Task.WhenAll(stores.Select((store, w) => Task.Run(async () =>
            {
                var mine = new List<long>();
                while (await store.ClaimAsync("xero", $"worker-{w}", 7, Lease) is { } claim)
                {
                    mine.AddRange(claim.Items.Select(i => i.InvoiceId));
                    var done = await store.CompleteClaimAsync("xero", claim.Token, claim.Items.Select(i => new InvoiceVersion(i.InvoiceId, i.Version)).ToList(),
                        new ExportNote($"worker {w}"), TimeSpan.Zero);
                    Assert.Empty(done.Refused);
                }
                return mine;
            })));
            var all = claimed.SelectMany(c => c).ToList();
            Assert.Equal(600, all.Count);
            Assert.Equal(600, all.Distinct().Count());
            Assert.True(claimed.Count(c => c.Count > 0) > 1, "the claims were shared among the workers");
            Assert.Equal(600, (await setup.GetStatusAsync("xero")).Exported);
            Assert.Equal(600L, await ScalarAsync<long>($"SELECT count(*) FROM {schema}.events WHERE kind = 'exported'"));
        }
        finally
        {
            foreach (var s in stores) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_claim_whose_answer_was_lost_is_recognised_on_retry_not_taken_twice()
    {
        var time = new FakeTimeProvider(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));
        var schema = NewSchema();
        await using var store = NewStore(schema, time);
        await QueueAsync(store, "xero", 5);
        var retries = new List<PostgresLedgerRetry>();
        await using var lossy = NewStore(schema, time, onRetry: retries.Add);
        await lossy.OpenAsync();
        lossy.LoseAnswerAfterCommit = (operation, attempt) => attempt == 1;

        var claim = await lossy.ClaimAsync("xero", "w1", 3, Lease);
        Assert.NotNull(claim);
        Assert.Equal([1L, 2, 3], claim.Items.Select(i => i.InvoiceId));
        Assert.Equal([claim.Token], (await store.GetClaimsAsync("xero")).Select(c => c.Token));
        Each.Of(claim.Items, i => Assert.Equal(1, i.Deliveries));

        var done = await lossy.CompleteClaimAsync("xero", claim.Token, claim.Items.Select(i => new InvoiceVersion(i.InvoiceId, i.Version)).ToList(), new ExportNote("ok"), TimeSpan.Zero);
        Assert.Equal([1L, 2, 3], done.Marked.Order());
        Assert.Empty(done.Refused);
        Assert.DoesNotContain(LedgerEventKind.LateResult, (await store.GetHistoryAsync(1, "xero")).Select(e => e.Kind));

        // Without recognising its own begin, the retry would find a live discovery lease (its own) and say "busy".
        var ticket = await lossy.TryBeginDiscoveryAsync("xero", "d2", Lease);
        Assert.NotNull(ticket);
        Assert.Equal("d2", (await store.GetDiscoveryStateAsync("xero"))!.Owner);
        // Without recognising its own completion, the retry would find the token gone and throw LeaseLost.
        await lossy.CompleteDiscoveryAsync(ticket);
        Assert.Equal(ticket.Generation, (await store.GetDiscoveryStateAsync("xero"))!.CompletedGeneration);

        Assert.Equal(["claim", "complete", "begin discovery", "complete discovery"], retries.Select(r => r.Operation));
        Each.Of(retries, r => Assert.Contains("connection", r.Reason));
    }

    [Fact]
    public async Task An_unreachable_server_is_retried_then_reported_as_unavailable_with_the_cause()
    {
        var port = FreePort();
        var retries = new List<PostgresLedgerRetry>();
        await using var store = NewStore(NewSchema(), retryTimeout: TimeSpan.FromSeconds(1), onRetry: retries.Add,
            connectionString: $"Host=127.0.0.1;Port={port};Username=postgres;Password=secret-pw;Database=nowhere;Timeout=2");
        var e = await Assert.ThrowsAsync<ExportLedgerException>(() => store.OpenAsync());
        Assert.Equal(ExportLedgerErrorKind.Unavailable, e.Kind);
        Assert.Contains($"127.0.0.1:{port}", e.Message);
        Assert.Contains("stayed unavailable", e.Message);
        Assert.Contains("cannot connect", e.Message);
        Assert.DoesNotContain("secret-pw", e.Message + e.Location);
        Assert.NotEmpty(retries);
    }

    [Fact]
    public async Task A_missing_database_is_unavailable_at_once_and_says_so()
    {
        var missing = new NpgsqlConnectionStringBuilder(database.ConnectionString) { Database = "no_such_db_" + Guid.NewGuid().ToString("N")[..6] };
        var retries = 0;
        await using var store = NewStore(NewSchema(), connectionString: missing.ConnectionString, onRetry: _ => retries++);
        var e = await Assert.ThrowsAsync<ExportLedgerException>(() => store.OpenAsync());
        Assert.Equal(ExportLedgerErrorKind.Unavailable, e.Kind);
        Assert.Contains("does not exist", e.Message);
        Assert.Equal(0, retries);
    }

    [Fact]
    public async Task Without_a_clock_the_servers_time_is_used_for_leases()
    {
        await using var store = NewStore(NewSchema());
        await QueueAsync(store, "xero", 1);
        var serverNow = await ScalarAsync<DateTime>("SELECT clock_timestamp()");
        var claim = await store.ClaimAsync("xero", "w", 1, TimeSpan.FromMinutes(10));
        Assert.NotNull(claim);
        var expected = new DateTimeOffset(DateTime.SpecifyKind(serverNow, DateTimeKind.Utc)) + TimeSpan.FromMinutes(10);
        Assert.InRange(claim.ExpiresAt, expected - TimeSpan.FromSeconds(5), expected + TimeSpan.FromSeconds(5));
    }

    private static int FreePort()
    {
        using var listener = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
        listener.Start();
        return ((System.Net.IPEndPoint)listener.LocalEndpoint).Port;
    }
}
