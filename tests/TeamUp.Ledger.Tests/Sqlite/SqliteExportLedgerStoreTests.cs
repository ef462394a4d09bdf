using TeamUp.Ledger.Sqlite;
using TeamUp.Ledger.Tests.Contract;

namespace TeamUp.Ledger.Tests.Sqlite;

/// <summary>The shared contract, run against a fresh SQLite file per test.</summary>
public sealed class SqliteExportLedgerStoreTests : ExportLedgerStoreContract
{
    private readonly TempFolder _folder = new();

    private string LedgerPath => Path.Combine(_folder.Path, "ledger.db");

    protected override Task<IExportLedgerStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IExportLedgerStore>(new SqliteExportLedgerStore(new SqliteLedgerOptions { Path = LedgerPath, TimeProvider = time }));

    protected override Task<IExportLedgerStore> OpenSameLedgerAsync(TimeProvider time) => CreateStoreAsync(time);

    public override async Task DisposeAsync()
    {
        await base.DisposeAsync();
        _folder.Dispose();
    }
}
