using Microsoft.Data.Sqlite;
using TeamUp.Ledger.Sqlite;

namespace TeamUp.Ledger.Tests.Sqlite;

/// <summary>What only a file store has: recognising files that are not ours, refusing newer schemas, durability settings.</summary>
public sealed class SqliteLedgerFileTests : IDisposable
{
    private readonly TempFolder _folder = new();

    public void Dispose() => _folder.Dispose();

    private string PathOf(string name) => Path.Combine(_folder.Path, name);

    private static async Task<ExportLedgerException> OpenFailsAsync(string path)
    {
        await using var store = new SqliteExportLedgerStore(path);
        return await Assert.ThrowsAsync<ExportLedgerException>(() => store.OpenAsync());
    }

    [Fact]
    public async Task A_text_file_is_not_a_ledger_and_is_left_untouched()
    {
        var path = PathOf("notes.txt");
        await File.WriteAllTextAsync(path, "not a database, just text that someone pointed --ledger at\n");
        var before = await File.ReadAllBytesAsync(path);

        var error = await OpenFailsAsync(path);

        Assert.Equal(ExportLedgerErrorKind.NotALedger, error.Kind);
        Assert.Contains("not a TeamUp export ledger", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
        Assert.False(File.Exists(path + "-wal"));
    }

    [Fact]
    public async Task Another_applications_SQLite_database_is_not_a_ledger_and_is_left_untouched()
    {
        var path = PathOf("other.db");
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = "CREATE TABLE customers(id INTEGER PRIMARY KEY, name TEXT); INSERT INTO customers VALUES (1, 'Ann');";
            await command.ExecuteNonQueryAsync();
        }
        var before = await File.ReadAllBytesAsync(path);

        var error = await OpenFailsAsync(path);

        Assert.Equal(ExportLedgerErrorKind.NotALedger, error.Kind);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_ledger_with_a_newer_schema_is_refused_and_left_untouched()
    {
        var path = PathOf("ledger.db");
        await using (var store = new SqliteExportLedgerStore(path))
        {
            await store.MarkExportedAsync("xero", [new InvoiceVersion(1, "a")], new ExportNote("x"));
        }
        await using (var connection = new SqliteConnection($"Data Source={path};Pooling=False"))
        {
            await connection.OpenAsync();
            await using var command = connection.CreateCommand();
            command.CommandText = $"PRAGMA user_version = {SqliteLedgerSchema.CurrentVersion + 1}; PRAGMA wal_checkpoint(TRUNCATE);";
            await command.ExecuteNonQueryAsync();
        }
        var before = await File.ReadAllBytesAsync(path);

        var error = await OpenFailsAsync(path);

        Assert.Equal(ExportLedgerErrorKind.NewerSchema, error.Kind);
        Assert.Contains($"schema version {SqliteLedgerSchema.CurrentVersion + 1}", error.Message);
        Assert.Equal(before, await File.ReadAllBytesAsync(path));
    }

    [Fact]
    public async Task A_path_that_cannot_hold_a_file_is_unavailable()
    {
        var file = PathOf("plain-file");
        await File.WriteAllTextAsync(file, "x");

        Assert.Equal(ExportLedgerErrorKind.Unavailable, (await OpenFailsAsync(Path.Combine(file, "ledger.db"))).Kind);
        Assert.Equal(ExportLedgerErrorKind.Unavailable, (await OpenFailsAsync(Path.Combine(_folder.Path, "missing", "ledger.db"))).Kind);
        Assert.Equal(ExportLedgerErrorKind.Unavailable, (await OpenFailsAsync(_folder.Path)).Kind);
        Assert.False(Directory.Exists(Path.Combine(_folder.Path, "missing")));
    }

    [Fact]
    public async Task An_empty_file_becomes_a_ledger()
    {
        var path = PathOf("empty.db");
        await File.WriteAllBytesAsync(path, []);

        await using var store = new SqliteExportLedgerStore(path);
        await store.OpenAsync();

        Assert.Equal(SqliteLedgerSchema.CurrentVersion, store.SchemaVersion);
    }

    [Fact]
    public async Task The_file_is_in_WAL_mode_marked_as_ours_and_every_connection_syncs_fully()
    {
        var path = PathOf("ledger.db");
        await using var store = new SqliteExportLedgerStore(path);
        await store.OpenAsync();

        await using var connection = new SqliteConnection($"Data Source={path};Pooling=False");
        await connection.OpenAsync();
        Assert.Equal("wal", await ScalarAsync(connection, "PRAGMA journal_mode;"));
        Assert.Equal((long)SqliteLedgerSchema.ApplicationId, await ScalarAsync(connection, "PRAGMA application_id;"));
        Assert.Equal((long)SqliteLedgerSchema.CurrentVersion, await ScalarAsync(connection, "PRAGMA user_version;"));
        await using var storeConnection = await store.ConnectAsync(CancellationToken.None);
        Assert.Equal(2L, await ScalarAsync(storeConnection, "PRAGMA synchronous;"));           // FULL
        Assert.Equal(30000L, await ScalarAsync(storeConnection, "PRAGMA busy_timeout;"));
    }

    [Fact]
    public async Task Two_stores_creating_the_same_new_file_at_once_both_open_it()
    {
        var path = PathOf("race.db");
        var stores = Enumerable.Range(0, 6).Select(_ => new SqliteExportLedgerStore(path)).ToList();

        await Task.WhenAll(stores.Select(s => Task.Run(() => s.OpenAsync())));

        Each.Of(stores, s => Assert.Equal(SqliteLedgerSchema.CurrentVersion, s.SchemaVersion));
        foreach (var s in stores)
        {
            await s.DisposeAsync();
        }
    }

    private static async Task<object?> ScalarAsync(SqliteConnection connection, string sql)
    {
        await using var command = connection.CreateCommand();
        command.CommandText = sql;
        return await command.ExecuteScalarAsync();
    }
}
