using BenchmarkDotNet.Attributes;
using BenchmarkDotNet.Configs;
using BenchmarkDotNet.Engines;
using BenchmarkDotNet.Jobs;
using BenchmarkDotNet.Toolchains.InProcess.Emit;
using TeamUp.Ledger;
using TeamUp.Ledger.PostgreSql;
using TeamUp.Ledger.Sqlite;
using TeamUp.Testing;

namespace TeamUp.Benchmarks;

/// <summary>
/// The ledger's own time per batch of a sync: claim 10 invoices under a lease, then complete them (mark exported with
/// a note), the two store calls a worker makes per batch. PostgreSQL (a local throwaway cluster, fsync on) against
/// the SQLite file (WAL, synchronous=FULL) as the baseline, both durable on every commit. One operation = one batch.
/// </summary>
/// <remarks>
/// In process: the work is I/O to a database, not JIT-sensitive code, and a separately built benchmark executable
/// regularly ran past BenchmarkDotNet's 2-minute build timeout on the shared 2-core machine.
/// </remarks>
[Config(typeof(LedgerJobConfig))]
public class LedgerBatchBenchmarks
{
    private const int BatchesPerIteration = 50;
    private const int BatchSize = 10;
    private static readonly TimeSpan Lease = TimeSpan.FromMinutes(1);

    private PostgresServer? _server;
    private string _folder = "";
    private IExportLedgerStore _sqlite = null!;
    private IExportLedgerStore _postgres = null!;
    private int _iteration;

    [GlobalSetup]
    public async Task Setup()
    {
        _folder = Directory.CreateTempSubdirectory("teamup-ledger-bench-").FullName;
        _sqlite = new SqliteExportLedgerStore(Path.Combine(_folder, "ledger.db"));
        _server = await PostgresServer.FromEnvironmentOrStartAsync();
        _postgres = new PostgresExportLedgerStore(new PostgresLedgerOptions { ConnectionString = await _server.CreateDatabaseAsync("teamup_bench") });
        await _sqlite.OpenAsync();
        await _postgres.OpenAsync();
    }

    [GlobalCleanup]
    public async Task Cleanup()
    {
        await _sqlite.DisposeAsync();
        await _postgres.DisposeAsync();
        if (_server is not null) await _server.DisposeAsync();
        Directory.Delete(_folder, recursive: true);
    }

    /// <summary>Each iteration syncs a system of its own, queued here in both stores (not measured).</summary>
    [IterationSetup]
    public void Queue()
    {
        _iteration++;
        foreach (var store in new[] { _sqlite, _postgres })
        {
            var ticket = store.TryBeginDiscoveryAsync(SystemName, "bench", Lease).GetAwaiter().GetResult()!;
            store.StageAsync(ticket, Enumerable.Range(1, BatchesPerIteration * BatchSize)
                .Select(i => new ExportCandidate(i, "v1", PendingReason.New, $$"""{"id":{{i}},"status":"paid","total":"45.00"}""")).ToList()).GetAwaiter().GetResult();
            store.CompleteDiscoveryAsync(ticket).GetAwaiter().GetResult();
        }
    }

    private string SystemName => $"bench-{_iteration}";

    [Benchmark(Baseline = true, OperationsPerInvoke = BatchesPerIteration, Description = "SQLite: claim 10 + complete 10")]
    public Task<int> Sqlite() => SyncAsync(_sqlite);

    [Benchmark(OperationsPerInvoke = BatchesPerIteration, Description = "PostgreSQL: claim 10 + complete 10")]
    public Task<int> PostgreSql() => SyncAsync(_postgres);

    private async Task<int> SyncAsync(IExportLedgerStore store)
    {
        var marked = 0;
        while (await store.ClaimAsync(SystemName, "worker", BatchSize, Lease) is { } claim)
        {
            var result = await store.CompleteClaimAsync(SystemName, claim.Token,
                claim.Items.Select(i => new InvoiceVersion(i.InvoiceId, i.Version)).ToList(), new ExportNote("bench"), TimeSpan.Zero);
            marked += result.Marked.Count;
        }
        return marked == BatchesPerIteration * BatchSize ? marked : throw new InvalidOperationException($"marked {marked}");
    }
}

/// <summary>Few, long iterations in process: each one syncs a queue of its own against a real database.</summary>
public sealed class LedgerJobConfig : ManualConfig
{
    public LedgerJobConfig() =>
        AddJob(Job.Default.WithStrategy(RunStrategy.Monitoring).WithLaunchCount(1).WithWarmupCount(2).WithIterationCount(10)
            .WithInvocationCount(1).WithUnrollFactor(1).WithToolchain(InProcessEmitToolchain.Instance));
}
