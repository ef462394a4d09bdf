using System.Collections.Concurrent;
using Npgsql;
using TeamUp.Generated;
using TeamUp.Ledger.PostgreSql;
using TeamUp.Sandbox;

namespace TeamUp.Ledger.PostgreSql.Tests;

/// <summary>
/// Several <see cref="ExportTracker"/> workers in one process sharing one PostgreSQL ledger: the semantics the
/// process-level tests check with real processes, here with exporters the test can hold and release exactly.
/// </summary>
public sealed class TrackerOnPostgresTests(PostgresDatabase database) : IClassFixture<PostgresDatabase>, IAsyncLifetime
{
    private const string System = "xero";
    private readonly string _schema = "t_" + Guid.NewGuid().ToString("N")[..12];
    private TeamUpSandbox _sandbox = null!;
    private TeamUpClient _client = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Customers = 80, Invoices = 800 });
        _client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = _sandbox.BaseUrl, ApiKey = _sandbox.Token });
    }

    public async Task DisposeAsync()
    {
        _client.Dispose();
        await _sandbox.DisposeAsync();
    }

    private HashSet<long> Booked =>
        [.. _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId).Where(i => i.Status is not ("draft" or "upcoming")).Select(i => (long)i.Id)];

    private PostgresExportLedgerStore NewStore() => new(new PostgresLedgerOptions { ConnectionString = database.ConnectionString, Schema = _schema });

    private async Task<Dictionary<long, long>> ExportedEventsAsync()
    {
        await using var connection = new NpgsqlConnection(database.ConnectionString);
        await connection.OpenAsync();
        await using var command = new NpgsqlCommand($"SELECT invoice_id, count(*) FROM {_schema}.events WHERE system = @s AND kind = 'exported' GROUP BY invoice_id", connection);
        command.Parameters.AddWithValue("s", System);
        var counts = new Dictionary<long, long>();
        await using var reader = await command.ExecuteReaderAsync();
        while (await reader.ReadAsync()) counts[reader.GetInt64(0)] = reader.GetInt64(1);
        return counts;
    }

    private sealed class Exporter(Func<ExportBatch, CancellationToken, Task>? hold = null) : IInvoiceExporter
    {
        public ConcurrentQueue<ExportItem> Delivered { get; } = new();

        public async Task<ExportBatchResult> ExportAsync(ExportBatch batch, CancellationToken cancellationToken)
        {
            if (hold is not null) await hold(batch, cancellationToken);
            foreach (var item in batch.Items) Delivered.Enqueue(item);
            return ExportBatchResult.All(batch);
        }
    }

    [Fact]
    public async Task Four_workers_share_one_discovery_and_deliver_each_invoice_once()
    {
        var exporter = new Exporter((_, ct) => Task.Delay(5, ct));
        var stores = Enumerable.Range(0, 4).Select(_ => NewStore()).ToList();
        try
        {
            var results = await Task.WhenAll(stores.Select((store, w) => Task.Run(() =>
                new ExportTracker(_client, store).SyncAsync(System, exporter, new ExportSyncOptions { Owner = $"worker-{w}", Lease = TimeSpan.FromSeconds(30) }))));

            var booked = Booked;
            var delivered = exporter.Delivered.GroupBy(i => i.InvoiceId).ToDictionary(g => g.Key, g => g.Count());
            Assert.Equal(booked.Order(), delivered.Keys.Order());
            Each.Of(delivered, d => Assert.Equal(1, d.Value));
            Each.Of((await ExportedEventsAsync()).Values, n => Assert.Equal(1, n));
            Assert.Equal(booked.Count, (await ExportedEventsAsync()).Count);
            // One worker listed TeamUp; the others only claimed what it queued.
            Assert.Single(results, r => r.Discovered > 0);
            Assert.Equal(booked.Count, results.Sum(r => r.Discovered));
            Assert.True(results.Count(r => r.Delivered > 0) >= 2, string.Join(", ", results.Select(r => r.Delivered)));
            Each.Of(results, r => Assert.Equal(0, r.Uncertain + r.Refused));
        }
        finally
        {
            foreach (var s in stores) await s.DisposeAsync();
        }
    }

    [Fact]
    public async Task A_worker_stalled_past_its_lease_is_refused_its_batch_goes_to_another_once_and_nothing_is_marked_twice()
    {
        var stalled = new TaskCompletionSource();
        var held = new TaskCompletionSource<ExportBatch>();
        // Worker "stuck" stalls inside its first batch and its lease renewals stall with it, as when the whole process
        // is paused; worker "live" runs normally and, once the lease has run out, takes the batch over.
        var stuckExporter = new Exporter(async (batch, _) =>
        {
            if (held.TrySetResult(batch)) await stalled.Task;
        });
        var lease = TimeSpan.FromSeconds(1);
        await using var stuckStore = NewStore();
        await using var liveStore = NewStore();
        var frozenRenewals = StalledRenewals.Wrap(stuckStore, stalled.Task);
        var stuckRun = Task.Run(() => new ExportTracker(_client, frozenRenewals).SyncAsync(System, stuckExporter,
            new ExportSyncOptions { Owner = "stuck", Lease = lease, BatchSize = 10 }));
        var batch = await held.Task.WaitAsync(TimeSpan.FromSeconds(30));
        await Task.Delay(lease + TimeSpan.FromMilliseconds(200));

        var liveExporter = new Exporter();
        var live = await new ExportTracker(_client, liveStore).SyncAsync(System, liveExporter, new ExportSyncOptions { Owner = "live", Lease = TimeSpan.FromSeconds(30) });
        stalled.SetResult();
        var stuck = await stuckRun.WaitAsync(TimeSpan.FromSeconds(60));

        // What the stuck worker held: the batch it exported and, the sync claiming ahead, possibly the next one.
        var batchIds = batch.Items.Select(i => i.InvoiceId).ToHashSet();
        batchIds.UnionWith(liveExporter.Delivered.Where(i => i.Uncertain).Select(i => i.InvoiceId));
        Assert.Equal(batchIds.Count, live.Uncertain);
        Assert.Equal(batchIds.Count, stuck.Refused);
        Assert.Contains("lease", stuck.LastError);
        // The taken-over items went out twice with the same keys; everything else once.
        var again = liveExporter.Delivered.Where(i => batchIds.Contains(i.InvoiceId)).ToList();
        Each.Of(again, i => Assert.True(i.Uncertain));
        var first = batch.Items.Select(i => i.InvoiceId).ToHashSet();
        Assert.Equal(batch.Items.Select(i => i.IdempotencyKey).Order(), again.Where(i => first.Contains(i.InvoiceId)).Select(i => i.IdempotencyKey).Order());
        var all = stuckExporter.Delivered.Concat(liveExporter.Delivered).GroupBy(i => i.InvoiceId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(Booked.Order(), all.Keys.Order());
        Each.Of(all, d => Assert.Equal(batchIds.Contains(d.Key) ? 2 : 1, d.Value));
        var marks = await ExportedEventsAsync();
        Assert.Equal(Booked.Count, marks.Count);
        Each.Of(marks.Values, n => Assert.Equal(1, n));
        var history = await liveStore.GetHistoryAsync(batchIds.First(), System);
        Assert.Contains(history, e => e.Kind == LedgerEventKind.LateResult);
    }

    /// <summary>A store whose lease renewals wait until <c>resume</c> completes (and then report the lease lost, as it is).</summary>
    public class StalledRenewals : System.Reflection.DispatchProxy
    {
        private IExportLedgerStore _inner = null!;
        private Task _resume = Task.CompletedTask;

        public static IExportLedgerStore Wrap(IExportLedgerStore inner, Task resume)
        {
            var proxy = Create<IExportLedgerStore, StalledRenewals>();
            var self = (StalledRenewals)(object)proxy;
            self._inner = inner;
            self._resume = resume;
            return proxy;
        }

        protected override object? Invoke(System.Reflection.MethodInfo? method, object?[]? args)
        {
            if (method!.Name == nameof(IExportLedgerStore.RenewClaimAsync))
            {
                return RenewLaterAsync(args!);
            }
            try
            {
                return method.Invoke(_inner, args);
            }
            catch (System.Reflection.TargetInvocationException e) when (e.InnerException is not null)
            {
                throw e.InnerException;
            }
        }

        private async Task<bool> RenewLaterAsync(object?[] args)
        {
            await _resume;
            return await _inner.RenewClaimAsync((string)args[0]!, (string)args[1]!, (TimeSpan)args[2]!, (CancellationToken)args[3]!);
        }
    }
}
