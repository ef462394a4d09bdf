using System.Collections.Concurrent;
using TeamUp.Generated;
using TeamUp.Ledger.Sqlite;
using TeamUp.Sandbox;

namespace TeamUp.Ledger.Tests.Tracker;

/// <summary>The tracker end to end against the sandbox, with a SQLite ledger.</summary>
public sealed class ExportTrackerTests : IAsyncLifetime
{
    private const string Xero = "xero";
    private readonly TempFolder _folder = new();
    private TeamUpSandbox _sandbox = null!;
    private TeamUpClient _client = null!;
    private SqliteExportLedgerStore _store = null!;
    private ExportTracker _tracker = null!;

    public async Task InitializeAsync()
    {
        _sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Customers = 60, Invoices = 400 });
        _client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = _sandbox.BaseUrl, ApiKey = _sandbox.Token });
        _store = new SqliteExportLedgerStore(Path.Combine(_folder.Path, "ledger.db"));
        _tracker = new ExportTracker(_client, _store);
    }

    public async Task DisposeAsync()
    {
        await _store.DisposeAsync();
        _client.Dispose();
        await _sandbox.DisposeAsync();
        _folder.Dispose();
    }

    private IReadOnlyList<SandboxInvoice> Invoices => _sandbox.Data.InvoicesFor(_sandbox.DefaultProviderId);

    private HashSet<long> Booked => [.. Invoices.Where(i => i.Status is not ("draft" or "upcoming")).Select(i => (long)i.Id)];

    /// <summary>An exporter that records every delivery (the witness) and confirms the whole batch.</summary>
    private sealed class RecordingExporter : IInvoiceExporter
    {
        public ConcurrentQueue<ExportItem> Delivered { get; } = new();
        public Func<ExportBatch, ExportBatchResult?>? Decide { get; set; }

        public Task<ExportBatchResult> ExportAsync(ExportBatch batch, CancellationToken cancellationToken)
        {
            foreach (var item in batch.Items)
            {
                Delivered.Enqueue(item);
            }
            return Task.FromResult(Decide?.Invoke(batch) ?? ExportBatchResult.All(batch, reference: $"import-{batch.Number}"));
        }
    }

    [Fact]
    public async Task First_sync_delivers_every_booked_invoice_once_the_second_nothing_and_after_pay_and_void_exactly_those_two_as_changed()
    {
        var exporter = new RecordingExporter();

        var first = await _tracker.SyncAsync(Xero, exporter);

        var delivered = exporter.Delivered.Select(i => i.InvoiceId).ToList();
        Assert.Equal(Booked.Order(), delivered.Order());
        Assert.Equal(delivered.Count, delivered.Distinct().Count());
        Assert.Equal((Booked.Count, Booked.Count, 0, 0), (first.Delivered, first.Exported, first.Failed, first.Uncertain));
        Assert.Equal((Booked.Count + 9) / 10, first.Batches);
        Each.Of(exporter.Delivered, i => Assert.Equal(PendingReason.New, i.Reason));
        Assert.Equal(Booked.Count, (await _tracker.GetStatusAsync(Xero)).Exported);

        exporter.Delivered.Clear();
        var second = await _tracker.SyncAsync(Xero, exporter);
        Assert.Equal((0, 0, 0), (second.Delivered, second.Exported, second.Discovered));
        Assert.Empty(exporter.Delivered);

        var open = Invoices.Where(i => i.Status == "open").Take(2).ToList();
        _sandbox.Activity.Pay(open[0].Id);
        _sandbox.Activity.Void(open[1].Id);
        var third = await _tracker.SyncAsync(Xero, exporter);

        Assert.Equal([open[0].Id, open[1].Id], exporter.Delivered.Select(i => (int)i.InvoiceId).Order());
        Each.Of(exporter.Delivered, i => Assert.Equal(PendingReason.Changed, i.Reason));
        Assert.Equal("paid", exporter.Delivered.Single(i => i.InvoiceId == open[0].Id).Invoice.Status.ToString());
        Assert.Equal(2, third.Exported);
        var history = await _tracker.GetHistoryAsync(open[0].Id, Xero);
        Assert.Equal(2, history.Count(e => e.Kind == LedgerEventKind.Exported));
        Assert.NotEqual(history[0].Version, history[1].Version);
        Assert.Equal("import-1", history[^1].Reference);
    }

    [Fact]
    public async Task Pending_gives_the_reason_and_version_and_respects_only_new_and_not_exported_since()
    {
        var booked = await _tracker.GetPendingAsync(Xero).ToListAsync();
        Assert.Equal(Booked.Order(), booked.Select(p => (long)p.InvoiceId).Order());
        Each.Of(booked, p => Assert.Equal((PendingReason.New, InvoiceFingerprint.Of(p.Invoice)), (p.Reason, p.Version)));

        await _tracker.MarkExportedAsync(Xero, booked.Select(p => new InvoiceToMark(p.InvoiceId, p.Version)), new ExportNote("initial load"));
        var changed = Invoices.First(i => i.Status == "open");
        _sandbox.Activity.SetAmountDue(changed.Id, changed.TotalAmountDue + 1);
        var cutoff = DateTimeOffset.UtcNow.AddSeconds(5);

        var pending = await _tracker.GetPendingAsync(Xero).ToListAsync();
        var onlyNew = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { OnlyNew = true }).ToListAsync();
        var older = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { NotExportedSince = cutoff }).ToListAsync();
        var olderOnlyNew = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { NotExportedSince = cutoff, OnlyNew = true }).ToListAsync();
        var notOlder = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { NotExportedSince = cutoff.AddMinutes(-10) }).ToListAsync();

        var one = Assert.Single(pending);
        Assert.Equal((changed.Id, PendingReason.Changed), (one.InvoiceId, one.Reason));
        Assert.NotNull(one.Exported);
        Assert.NotEqual(one.Exported.Version, one.Version);
        Assert.Empty(onlyNew);
        Assert.Equal(booked.Count, older.Count);
        Assert.Equal(PendingReason.Changed, older.Single(p => p.InvoiceId == changed.Id).Reason);
        Each.Of(older.Where(p => p.InvoiceId != changed.Id), p => Assert.Equal(PendingReason.NotExportedSince, p.Reason));
        Assert.Empty(olderOnlyNew);
        Assert.Single(notOlder);
    }

    [Fact]
    public async Task Drafts_are_left_out_unless_included()
    {
        var drafts = Invoices.Where(i => i.Status is "draft" or "upcoming").Select(i => i.Id).ToHashSet();
        Assert.NotEmpty(drafts);

        var without = await _tracker.GetPendingAsync(Xero).ToListAsync();
        var with = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { IncludeDrafts = true }).ToListAsync();

        Assert.DoesNotContain(without, p => drafts.Contains(p.InvoiceId));
        Assert.Equal(Invoices.Count, with.Count);
        var exporter = new RecordingExporter();
        var result = await _tracker.SyncAsync(Xero, exporter, new ExportSyncOptions { IncludeDrafts = true, Status = [InvoiceStatus.Draft] });
        Assert.Equal(Invoices.Count(i => i.Status == "draft"), result.Exported);
        Each.Of(exporter.Delivered, i => Assert.Equal("draft", i.Invoice.Status.ToString()));
    }

    [Fact]
    public async Task A_mark_records_the_listed_version_so_an_invoice_changed_since_stays_pending()
    {
        var target = Invoices.First(i => i.Status == "open");
        var listed = (await _tracker.GetPendingAsync(Xero).ToListAsync()).Single(p => p.InvoiceId == target.Id);
        _sandbox.Activity.Pay(target.Id);                                          // changes between listing and marking

        var mark = await _tracker.MarkExportedAsync(Xero, [new InvoiceToMark(target.Id, listed.Version)], new ExportNote("pushed to xero", "XR-1"));
        var again = await _tracker.MarkExportedAsync(Xero, [new InvoiceToMark(target.Id, listed.Version)], new ExportNote("twice"));

        Assert.Equal([(long)target.Id], mark.Marked);
        Assert.Equal([(long)target.Id], again.Unchanged);
        var now = (await _tracker.GetPendingAsync(Xero).ToListAsync()).Single(p => p.InvoiceId == target.Id);
        Assert.Equal(PendingReason.Changed, now.Reason);

        var byId = await _tracker.MarkExportedAsync(Xero, [new InvoiceToMark(target.Id)], new ExportNote("current version"));
        Assert.Equal([(long)target.Id], byId.Marked);
        Assert.DoesNotContain(await _tracker.GetPendingAsync(Xero).ToListAsync(), p => p.InvoiceId == target.Id);
        Assert.Equal(["pushed to xero", "current version"], (await _tracker.GetHistoryAsync(target.Id, Xero)).Select(e => e.Note));
    }

    [Fact]
    public async Task Marking_an_invoice_TeamUp_does_not_have_marks_nothing()
    {
        var real = Invoices[0].Id;

        var error = await Assert.ThrowsAsync<ArgumentException>(() =>
            _tracker.MarkExportedAsync(Xero, [new InvoiceToMark(real), new InvoiceToMark(99_999_999)], new ExportNote("x")));

        Assert.Contains("99999999", error.Message);
        Assert.Equal(0, (await _tracker.GetStatusAsync(Xero)).Exported);
    }

    [Fact]
    public async Task Forget_makes_an_exported_invoice_pending_as_new_again()
    {
        await _tracker.SyncAsync(Xero, new RecordingExporter());
        var id = Booked.Min();

        var forgotten = await _tracker.ForgetAsync(Xero, [id], "re-import");

        Assert.Equal([id], forgotten);
        var pending = Assert.Single(await _tracker.GetPendingAsync(Xero).ToListAsync());
        Assert.Equal((id, PendingReason.New), (pending.InvoiceId, pending.Reason));
    }

    [Fact]
    public async Task Updated_since_finds_changes_through_the_report_including_a_tie_and_a_late_stamp()
    {
        await _tracker.SyncAsync(Xero, new RecordingExporter());
        var open = Invoices.Where(i => i.Status == "open").Take(3).ToList();
        var paid = _sandbox.Activity.Pay(open[0].Id).Invoice;
        var since = paid.UpdatedAt;                                                 // a tie on the boundary
        _sandbox.Activity.Void(open[1].Id);
        _sandbox.ClearRequestLog();

        var pending = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { UpdatedSince = since, UpdatedSinceLookBack = TimeSpan.Zero }).ToListAsync();
        Assert.Equal([open[0].Id, open[1].Id], pending.Select(p => p.InvoiceId).Order());
        Each.Of(pending, p => Assert.Equal(PendingReason.Changed, p.Reason));
        Assert.DoesNotContain(_sandbox.RequestLog, r => r.PathAndQuery.StartsWith("/api/v2/invoices?", StringComparison.Ordinal) || r.PathAndQuery == "/api/v2/invoices");   // no full listing

        // An update stamped before `since` (it became visible late) is found within the look-back, not without it.
        var late = since.AddMinutes(10);
        var withLookBack = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { UpdatedSince = late }).ToListAsync();
        var withoutLookBack = await _tracker.GetPendingAsync(Xero, new PendingInvoiceOptions { UpdatedSince = late, UpdatedSinceLookBack = TimeSpan.Zero }).ToListAsync();
        Assert.Equal(2, withLookBack.Count);
        Assert.Empty(withoutLookBack);
    }

    [Fact]
    public async Task A_cancelled_delivery_is_handed_out_again_as_uncertain_with_the_same_keys()
    {
        using var cancel = new CancellationTokenSource();
        var firstKeys = new List<string>();
        var exporter = new RecordingExporter
        {
            Decide = batch =>
            {
                if (batch.Number == 2)
                {
                    firstKeys.AddRange(batch.Items.Select(i => i.IdempotencyKey));
                    cancel.Cancel();
                    cancel.Token.ThrowIfCancellationRequested();
                }
                return null;
            },
        };

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => _tracker.SyncAsync(Xero, exporter, cancellationToken: cancel.Token));
        Assert.Equal(10, (await _tracker.GetStatusAsync(Xero)).Uncertain);

        var rerun = new RecordingExporter();
        var result = await _tracker.SyncAsync(Xero, rerun);

        Assert.Equal(10, result.Uncertain);
        var uncertain = rerun.Delivered.Where(i => i.Uncertain).ToList();
        Assert.Equal(firstKeys.Order(), uncertain.Select(i => i.IdempotencyKey).Order());
        Each.Of(uncertain, i => Assert.Equal(2, i.Deliveries));
        Assert.Equal(Booked.Count, (await _tracker.GetStatusAsync(Xero)).Exported);
        Assert.Equal(LedgerEventKind.Uncertain, (await _tracker.GetHistoryAsync(uncertain[0].InvoiceId, Xero))[0].Kind);
    }

    [Fact]
    public async Task A_failed_batch_marks_nothing_the_others_go_on_and_the_error_is_kept()
    {
        var poison = Booked.Min();
        var exporter = new RecordingExporter
        {
            Decide = batch => batch.Items.Any(i => i.InvoiceId == poison) ? ExportBatchResult.Failed("xero: 422 invalid tax code") : null,
        };

        var result = await _tracker.SyncAsync(Xero, exporter);

        Assert.Equal((1, 10), (result.FailedBatches, result.Failed));
        Assert.Equal(Booked.Count - 10, result.Exported);
        Assert.Equal(10, result.WaitingToRetry);
        Assert.Equal("xero: 422 invalid tax code", result.LastError);
        var status = await _tracker.GetStatusAsync(Xero);
        Assert.Equal(10, status.Failed);
        Assert.Equal(LedgerEventKind.Failed, (await _tracker.GetHistoryAsync(poison, Xero)).Single().Kind);
    }

    [Fact]
    public async Task Partial_confirmation_marks_only_what_the_exporter_confirmed()
    {
        var exporter = new RecordingExporter { Decide = batch => ExportBatchResult.Only(batch.Items.Where(i => i.InvoiceId % 2 == 0).Select(i => i.InvoiceId)) };

        var result = await _tracker.SyncAsync(Xero, exporter, new ExportSyncOptions { BatchSize = 25 });

        Assert.Equal(Booked.Count(i => i % 2 == 0), result.Exported);
        Each.Of(await _store.GetExportedAsync(Xero).ToListAsync(), e => Assert.Equal(0, e.InvoiceId % 2));
    }

    [Fact]
    public async Task Repeated_failures_stop_the_run()
    {
        var exporter = new RecordingExporter { Decide = _ => ExportBatchResult.Failed("target down") };

        var result = await _tracker.SyncAsync(Xero, exporter, new ExportSyncOptions { MaxConsecutiveFailures = 2 });

        Assert.True(result.StoppedEarly);
        Assert.Equal(2, result.FailedBatches);
        Assert.Equal(0, result.Exported);
    }
}
