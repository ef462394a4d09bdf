using TeamUp.Ledger.PostgreSql;
using TeamUp.Ledger.Tests.Contract;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>The shared store contract, run against PostgreSQL: each test gets a schema of its own in the class's database.</summary>
public sealed class PostgresExportLedgerStoreTests(PostgresDatabase database) : ExportLedgerStoreContract, IClassFixture<PostgresDatabase>
{
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..12];

    protected override Task<IExportLedgerStore> CreateStoreAsync(TimeProvider time) =>
        Task.FromResult<IExportLedgerStore>(new PostgresExportLedgerStore(new PostgresLedgerOptions
        {
            ConnectionString = database.ConnectionString,
            Schema = _schema,
            TimeProvider = time,
        }));

    protected override Task<IExportLedgerStore> OpenSameLedgerAsync(TimeProvider time) => CreateStoreAsync(time);
}
