using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Ledger;

/// <summary>Which invoices count as pending for a system, and where to look for them.</summary>
public class PendingInvoiceOptions
{
    /// <summary>
    /// Also invoices not booked yet (<see cref="ExportTracker.NotBookedStatuses"/>: <c>draft</c> and <c>upcoming</c>).
    /// Off by default: only booked invoices are exported.
    /// </summary>
    public bool IncludeDrafts { get; set; }

    /// <summary>Only invoices never exported to the system (the strict "not exported yet"): changed ones are not pending.</summary>
    public bool OnlyNew { get; set; }

    /// <summary>Also invoices exported unchanged, but last exported before this time (re-export what is older than T).</summary>
    public DateTimeOffset? NotExportedSince { get; set; }

    /// <summary>
    /// Incremental: only invoices the invoices report shows updated at or after this time, less
    /// <see cref="UpdatedSinceLookBack"/>. The report only proposes candidates; each is fetched and compared by
    /// fingerprint. Null (the default) lists every invoice: the full scan, which misses nothing.
    /// </summary>
    public DateTimeOffset? UpdatedSince { get; set; }

    /// <summary>
    /// How far before <see cref="UpdatedSince"/> to look (default 15 minutes), so that an update stamped a little
    /// earlier than it became visible, or sharing the boundary's timestamp, is still seen. Re-seeing an unchanged
    /// invoice costs a fetch, never a duplicate export: the fingerprint says it is unchanged.
    /// </summary>
    public TimeSpan UpdatedSinceLookBack { get; set; } = TimeSpan.FromMinutes(15);

    /// <summary>Only these statuses (the invoice list's <c>status</c> filter). Not-booked statuses still need <see cref="IncludeDrafts"/>.</summary>
    public IEnumerable<InvoiceStatus>? Status { get; set; }

    /// <summary>Only invoices due on or after this date.</summary>
    public DateOnly? DueOnOrAfter { get; set; }

    /// <summary>Only invoices due on or before this date.</summary>
    public DateOnly? DueOnOrBefore { get; set; }

    /// <summary>Fetch line items (<c>expand=line_items</c>): the version then covers them, and exporters receive them.</summary>
    public bool IncludeLineItems { get; set; }

    /// <summary>Invoices per list request (1-100).</summary>
    public int PageSize { get; set; } = 100;
}

/// <summary>How <see cref="ExportTracker.SyncAsync(string, IInvoiceExporter, ExportSyncOptions?, IProgress{ExportSyncProgress}?, CancellationToken)"/> runs.</summary>
public sealed class ExportSyncOptions : PendingInvoiceOptions
{
    /// <summary>Invoices per batch handed to the exporter (default 10, the limit Traede's mark-as-exported has).</summary>
    public int BatchSize { get; set; } = 10;

    /// <summary>
    /// How long a batch stays this worker's without a word (default 2 minutes). The lease is renewed every third of it
    /// while the exporter runs, so only a dead or frozen worker loses its batch.
    /// </summary>
    public TimeSpan Lease { get; set; } = TimeSpan.FromMinutes(2);

    /// <summary>The note recorded with each mark (the exporter's result may replace it).</summary>
    public string Note { get; set; } = "exported by teamup sync";

    /// <summary>How long the invoices of a failed batch wait before another attempt (default 1 minute).</summary>
    public TimeSpan RetryFailedAfter { get; set; } = TimeSpan.FromMinutes(1);

    /// <summary>Stop after this many failed batches in a row (default 3): a target that is down is not hammered.</summary>
    public int MaxConsecutiveFailures { get; set; } = 3;

    /// <summary>
    /// Claim the next batch while the exporter works on the current one (default true), so the claim's synced commit
    /// costs no wall time. The price: a crash also leaves that next batch claimed, and the next run hands it out as
    /// uncertain although no exporter saw it (an over-count, never a missed duplicate).
    /// </summary>
    public bool ClaimAhead { get; set; } = true;

    /// <summary>Names this worker in claims; <see cref="LedgerOwner.Current"/> by default.</summary>
    public string? Owner { get; set; }

    internal void Check()
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(BatchSize, 1, nameof(BatchSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(BatchSize, 1000, nameof(BatchSize));
        if (Lease < TimeSpan.FromSeconds(1))
        {
            throw new ArgumentOutOfRangeException(nameof(Lease), Lease, "The lease must be at least a second.");
        }
        ArgumentOutOfRangeException.ThrowIfLessThan(MaxConsecutiveFailures, 1, nameof(MaxConsecutiveFailures));
        ArgumentOutOfRangeException.ThrowIfLessThan(RetryFailedAfter, TimeSpan.Zero, nameof(RetryFailedAfter));
    }
}

/// <summary>An invoice pending for a system, and why.</summary>
/// <param name="Invoice">The invoice as TeamUp returns it now.</param>
/// <param name="Version">Its fingerprint now: mark this version once it is exported.</param>
/// <param name="Reason">New, changed, or exported before <c>NotExportedSince</c>.</param>
/// <param name="Exported">What the ledger holds for it (null when new).</param>
public sealed record PendingInvoice(Invoice Invoice, string Version, PendingReason Reason, ExportedInvoice? Exported)
{
    /// <summary>The invoice id.</summary>
    public int InvoiceId => Invoice.Id;
}

/// <summary>An invoice to mark: its id, and the version that was exported (null: the version TeamUp returns now).</summary>
public readonly record struct InvoiceToMark(long InvoiceId, string? Version = null);

/// <summary>A batch handed to an exporter.</summary>
/// <param name="System">The target system.</param>
/// <param name="Number">1 for the first batch of this run, and so on.</param>
/// <param name="IdempotencyKey">One key for the batch, the same when the same items are handed out again.</param>
/// <param name="Items">The invoices.</param>
public sealed record ExportBatch(string System, int Number, string IdempotencyKey, IReadOnlyList<ExportItem> Items)
{
    /// <summary>How many items were handed out before without an answer.</summary>
    public int UncertainCount => Items.Count(i => i.Uncertain);
}

/// <summary>One invoice of a batch.</summary>
/// <param name="InvoiceId">The invoice id.</param>
/// <param name="Version">The version delivered (what the mark records).</param>
/// <param name="Reason">Why it is pending.</param>
/// <param name="IdempotencyKey">Same system, invoice and version: same key. Give it to the target if it deduplicates.</param>
/// <param name="Uncertain">Handed out before without an answer: the target may have it already.</param>
/// <param name="Deliveries">How often it was handed out, this time included.</param>
/// <param name="InvoiceJson">The invoice as TeamUp returned it (JSON).</param>
public sealed record ExportItem(long InvoiceId, string Version, PendingReason Reason, string IdempotencyKey, bool Uncertain, int Deliveries,
    string InvoiceJson)
{
    /// <summary>The invoice as the SDK's model.</summary>
    public Invoice Invoice => TeamUpJson.Deserialize<Invoice>(InvoiceJson)
        ?? throw new InvalidOperationException($"Invoice {InvoiceId}'s payload is empty.");
}

/// <summary>What an exporter says about a batch.</summary>
public sealed record ExportBatchResult
{
    private ExportBatchResult()
    {
    }

    /// <summary>The invoices the target has now (null with <see cref="Error"/>).</summary>
    public IReadOnlyCollection<long>? Exported { get; private init; }

    /// <summary>Replaces the sync's note for these marks.</summary>
    public string? Note { get; private init; }

    /// <summary>The target's reference for the batch (an import id), kept with each mark.</summary>
    public string? Reference { get; private init; }

    /// <summary>Why the batch failed (null when it did not).</summary>
    public string? Error { get; private init; }

    /// <summary>Every invoice of the batch was exported.</summary>
    public static ExportBatchResult All(ExportBatch batch, string? note = null, string? reference = null)
    {
        ArgumentNullException.ThrowIfNull(batch);
        return new() { Exported = [.. batch.Items.Select(i => i.InvoiceId)], Note = note, Reference = reference };
    }

    /// <summary>Only these invoices were exported; the rest of the batch stays pending.</summary>
    public static ExportBatchResult Only(IEnumerable<long> invoiceIds, string? note = null, string? reference = null) =>
        new() { Exported = [.. invoiceIds], Note = note, Reference = reference };

    /// <summary>Nothing was exported (or nothing for sure): nothing is marked, the error is recorded.</summary>
    public static ExportBatchResult Failed(string error) => new() { Error = string.IsNullOrWhiteSpace(error) ? "the exporter failed" : error };
}

/// <summary>Hands batches to a target system.</summary>
public interface IInvoiceExporter
{
    /// <summary>
    /// Exports <paramref name="batch"/> and says which invoices the target has now. An exception counts as
    /// <see cref="ExportBatchResult.Failed"/>; cancellation leaves the batch uncertain (it may have arrived).
    /// </summary>
    Task<ExportBatchResult> ExportAsync(ExportBatch batch, CancellationToken cancellationToken);
}

/// <summary>Progress of a sync, after discovery and after each batch.</summary>
/// <param name="Total">Invoices queued for this run (known once discovery ended).</param>
/// <param name="Done">Invoices handed out and answered so far.</param>
/// <param name="Exported">Marked so far.</param>
/// <param name="Failed">In failed batches so far.</param>
public sealed record ExportSyncProgress(int Total, int Done, int Exported, int Failed);

/// <summary>What a sync did.</summary>
/// <param name="System">The target system.</param>
/// <param name="Discovered">Pending invoices this run's discovery found (0 when another worker discovered).</param>
/// <param name="Batches">Batches handed to the exporter.</param>
/// <param name="Delivered">Invoices handed to the exporter (uncertain ones included).</param>
/// <param name="Exported">Invoices marked exported.</param>
/// <param name="Unchanged">Confirmed, but already marked at that version (no-op).</param>
/// <param name="Failed">Invoices in failed batches (still pending, with the error).</param>
/// <param name="FailedBatches">Batches the exporter failed.</param>
/// <param name="Uncertain">Invoices handed out again after an earlier delivery got no answer (a crash, a lost lease).</param>
/// <param name="Refused">Confirmed after this worker's lease was lost: not marked, recorded as late results.</param>
/// <param name="WaitingToRetry">Invoices still queued at the end (a failed batch waiting out its delay, or another worker's).</param>
/// <param name="StoppedEarly">The run stopped after <see cref="ExportSyncOptions.MaxConsecutiveFailures"/> failed batches in a row.</param>
/// <param name="LastError">The last failure's message.</param>
/// <param name="Elapsed">Wall time of the run.</param>
/// <param name="LedgerTime">Time spent in ledger calls (the rest is TeamUp and the exporter).</param>
public sealed record ExportSyncResult(string System, int Discovered, int Batches, int Delivered, int Exported, int Unchanged, int Failed,
    int FailedBatches, int Uncertain, int Refused, int WaitingToRetry, bool StoppedEarly, string? LastError, TimeSpan Elapsed, TimeSpan LedgerTime);
