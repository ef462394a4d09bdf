namespace TeamUp.Ledger;

/// <summary>Why an invoice is pending for a system.</summary>
public enum PendingReason
{
    /// <summary>Never exported to the system (or forgotten since).</summary>
    New,

    /// <summary>Exported, but what TeamUp returns now has another fingerprint than the version exported.</summary>
    Changed,

    /// <summary>Exported, unchanged, but last exported before the <c>not exported since</c> time asked for.</summary>
    NotExportedSince,
}

/// <summary>The version of an invoice that a system holds, as the ledger recorded it.</summary>
/// <param name="InvoiceId">The TeamUp invoice id.</param>
/// <param name="Version">The fingerprint of what was exported (see <c>InvoiceFingerprint</c>).</param>
/// <param name="ExportedAt">When it was marked.</param>
/// <param name="Reference">The target's own reference, when one was given.</param>
public sealed record ExportedInvoice(long InvoiceId, string Version, DateTimeOffset ExportedAt, string? Reference);

/// <summary>One invoice at one version: what is marked, or what is queued for export.</summary>
public readonly record struct InvoiceVersion(long InvoiceId, string Version);

/// <summary>The note of a mark (shown in the invoice's history) and the target system's own reference for it.</summary>
/// <param name="Note">Free text, e.g. "batch 2026-12-03 imported"; may be empty.</param>
/// <param name="Reference">The id the target gave the invoice (an external id), optional.</param>
public sealed record ExportNote(string Note, string? Reference = null)
{
    /// <summary>The longest note kept; longer notes are refused rather than cut (a cut note would misquote).</summary>
    public const int MaxNoteLength = 4000;

    /// <summary>The longest reference kept.</summary>
    public const int MaxReferenceLength = 256;

    internal void Validate()
    {
        ArgumentNullException.ThrowIfNull(Note);
        if (Note.Length > MaxNoteLength)
        {
            throw new ArgumentException($"The note has {Note.Length} characters; at most {MaxNoteLength} are allowed.", nameof(Note));
        }
        if (Reference is { Length: > MaxReferenceLength })
        {
            throw new ArgumentException($"The reference has {Reference.Length} characters; at most {MaxReferenceLength} are allowed.", nameof(Reference));
        }
    }
}

/// <summary>What <see cref="IExportLedgerStore.MarkExportedAsync"/> did.</summary>
/// <param name="Marked">Invoices now recorded at the given version (new, or a version other than the one recorded).</param>
/// <param name="Unchanged">Invoices already recorded at exactly that version: a no-op, no history entry.</param>
public sealed record MarkResult(IReadOnlyList<long> Marked, IReadOnlyList<long> Unchanged);

/// <summary>An invoice found pending by discovery, queued for a claim.</summary>
/// <param name="InvoiceId">The TeamUp invoice id.</param>
/// <param name="Version">Its fingerprint now.</param>
/// <param name="Reason">Why it is pending.</param>
/// <param name="Payload">What the exporter receives for it (the invoice as JSON), kept with the version it belongs to.</param>
public sealed record ExportCandidate(long InvoiceId, string Version, PendingReason Reason, string? Payload);

/// <summary>
/// The right to run discovery (list TeamUp, queue what is pending) for a system. One holder at a time, so that
/// several workers do not each list TeamUp; it has a lease like a claim, so a discoverer that dies is replaced.
/// </summary>
/// <param name="System">The target system.</param>
/// <param name="Generation">Increases with every discovery of the system; queued items carry the generation that last saw them.</param>
/// <param name="Owner">Who runs it (see <see cref="LedgerOwner"/>).</param>
/// <param name="Token">Guards staging and completion against a holder whose lease was taken over.</param>
/// <param name="ExpiresAt">When another worker may take discovery over unless renewed.</param>
public sealed record DiscoveryTicket(string System, long Generation, string Owner, string Token, DateTimeOffset ExpiresAt);

/// <summary>The latest discovery of a system.</summary>
/// <param name="Generation">The latest generation begun.</param>
/// <param name="CompletedGeneration">The latest generation completed (0: none yet).</param>
/// <param name="Owner">Holder of a running discovery, null when none runs (or its lease expired).</param>
/// <param name="ExpiresAt">The running discovery's lease end.</param>
/// <param name="CompletedAt">When <paramref name="CompletedGeneration"/> completed.</param>
public sealed record DiscoveryState(long Generation, long CompletedGeneration, string? Owner, DateTimeOffset? ExpiresAt, DateTimeOffset? CompletedAt)
{
    /// <summary>Whether a live discovery is running (its lease has not expired at <paramref name="now"/>).</summary>
    public bool IsRunning(DateTimeOffset now) => Owner is not null && ExpiresAt > now;
}

/// <summary>What completing a discovery did to the queue.</summary>
/// <param name="Queued">Items queued for the system after it (unclaimed, claimed and uncertain).</param>
/// <param name="Dropped">Unclaimed items this discovery did not see again (no longer pending, or outside its filters) and removed.</param>
public sealed record DiscoveryResult(int Queued, int Dropped);

/// <summary>
/// A batch handed to one worker: the items, a lease, and the token that alone may complete it.
/// </summary>
/// <param name="System">The target system.</param>
/// <param name="Token">Only this token marks or fails the batch (a worker whose lease was taken over is refused).</param>
/// <param name="Owner">Who holds it.</param>
/// <param name="ExpiresAt">After this, unless renewed, the items are uncertain and claimable by another worker.</param>
/// <param name="Items">The invoices, in invoice id order.</param>
public sealed record ExportClaim(string System, string Token, string Owner, DateTimeOffset ExpiresAt, IReadOnlyList<ClaimedInvoice> Items);

/// <summary>One invoice of a claim.</summary>
/// <param name="InvoiceId">The TeamUp invoice id.</param>
/// <param name="Version">The version handed out; completing the claim marks this version.</param>
/// <param name="Reason">Why it was pending when discovered.</param>
/// <param name="Payload">The invoice as discovery saw it (matches <paramref name="Version"/>).</param>
/// <param name="IdempotencyKey"><see cref="ExportIdempotencyKey.For"/> of system, invoice and version.</param>
/// <param name="Uncertain">
/// Handed out before without an answer (the worker died or its lease expired): the target may already have it.
/// Deliver it again with the same key; a target that deduplicates sees one export.
/// </param>
/// <param name="Deliveries">How often it has been handed out, this time included.</param>
/// <param name="LastError">The error of the last failed attempt, if the last attempt failed.</param>
public sealed record ClaimedInvoice(long InvoiceId, string Version, PendingReason Reason, string? Payload, string IdempotencyKey,
    bool Uncertain, int Deliveries, string? LastError);

/// <summary>A live or expired claim, as the store holds it.</summary>
public sealed record ClaimInfo(string System, string Token, string Owner, DateTimeOffset ExpiresAt, int Items);

/// <summary>What completing a claim did.</summary>
/// <param name="Marked">Recorded as exported at the claimed version.</param>
/// <param name="Unchanged">Were already recorded at that version (marked meanwhile by someone else): no-op.</param>
/// <param name="Released">Claimed but not confirmed by the exporter: released, pending again, not uncertain.</param>
/// <param name="Refused">
/// Not marked because the claim's token is no longer theirs (the lease expired and another worker took the item,
/// or it was forgotten meanwhile). The late result is kept in the history, not lost.
/// </param>
public sealed record CompleteResult(IReadOnlyList<long> Marked, IReadOnlyList<long> Unchanged, IReadOnlyList<long> Released, IReadOnlyList<long> Refused);

/// <summary>The kind of a history entry.</summary>
public enum LedgerEventKind
{
    /// <summary>Marked exported (by a mark call or a completed claim), with its note and reference.</summary>
    Exported,

    /// <summary>Unmarked: it is pending again.</summary>
    Forgotten,

    /// <summary>An exporter reported failure; the invoice stays pending.</summary>
    Failed,

    /// <summary>Handed out again after a delivery that got no answer.</summary>
    Uncertain,

    /// <summary>A result that arrived after the claim was lost (lease expired and taken over): recorded, not applied.</summary>
    LateResult,
}

/// <summary>One entry of an invoice's history for a system.</summary>
public sealed record LedgerEvent(long Sequence, string System, long InvoiceId, DateTimeOffset At, LedgerEventKind Kind, string? Version,
    string? Note, string? Reference, string? Owner, string? IdempotencyKey);

/// <summary>The ledger's counts for one system (TeamUp is not asked: pending needs a listing).</summary>
/// <param name="System">The target system.</param>
/// <param name="Exported">Invoices recorded as exported.</param>
/// <param name="Queued">Items waiting in the queue (not claimed, or claimed with an expired lease).</param>
/// <param name="InFlight">Items claimed under a live lease.</param>
/// <param name="Uncertain">Items handed out without an answer, waiting to be handed out again.</param>
/// <param name="Failed">Queued items whose last attempt failed.</param>
/// <param name="LastExportedAt">The latest mark.</param>
/// <param name="LastDiscoveryAt">The latest completed discovery.</param>
public sealed record LedgerStatus(string System, int Exported, int Queued, int InFlight, int Uncertain, int Failed,
    DateTimeOffset? LastExportedAt, DateTimeOffset? LastDiscoveryAt);
