namespace TeamUp.Ledger;

/// <summary>
/// Where export tracking is kept: per (system, invoice) the version exported, a queue of pending invoices handed
/// out in leased claims, and a per-invoice history of notes. <see cref="Sqlite.SqliteExportLedgerStore"/> is the
/// default; a shared engine (PostgreSQL) implements the same contract for many workers.
/// </summary>
/// <remarks>
/// <para>The contract, which the shared contract test suite checks for every store:</para>
/// <list type="bullet">
/// <item>Every method is atomic: it commits everything or nothing. Methods are safe to call concurrently from
/// several threads and processes on the same ledger.</item>
/// <item>Time (leases, history) comes from the <see cref="TimeProvider"/> the store was built with.</item>
/// <item>A claim takes queue items that are unclaimed (and not waiting out a failure's retry delay) and items whose lease expired, in invoice id order, never one that a
/// live lease holds. An item taken over from an expired lease is <see cref="ClaimedInvoice.Uncertain"/> and gets a
/// <see cref="LedgerEventKind.Uncertain"/> history entry. Items whose queued version is already recorded as exported
/// are dropped, not handed out.</item>
/// <item>Completing or failing a claim is accepted only with its current token, per item: an item taken over by
/// another claim is refused and its late result recorded as <see cref="LedgerEventKind.LateResult"/>.</item>
/// <item>Marking a version already recorded is a no-op (no history entry). Nothing here stores credentials.</item>
/// </list>
/// </remarks>
public interface IExportLedgerStore : IAsyncDisposable
{
    /// <summary>Where the ledger is, for messages (a file path, a host and database; never a password).</summary>
    string Location { get; }

    /// <summary>
    /// Opens the ledger: creates it when new, applies pending schema migrations (once, even when several processes
    /// start together). Fails with an <see cref="ExportLedgerException"/> and leaves the ledger untouched when it is
    /// not a ledger of ours, has a newer schema than this version knows, or cannot be created or written.
    /// Every other method calls it first if it was not called.
    /// </summary>
    Task OpenAsync(CancellationToken cancellationToken = default);

    /// <summary>The schema version of the opened ledger.</summary>
    int SchemaVersion { get; }

    // ---- what each system holds -------------------------------------------------------------------------------

    /// <summary>Every invoice recorded as exported to <paramref name="system"/>, streamed in invoice id order.</summary>
    IAsyncEnumerable<ExportedInvoice> GetExportedAsync(string system, CancellationToken cancellationToken = default);

    /// <summary>The recorded exports of these invoices (absent ones are not in the result).</summary>
    Task<IReadOnlyDictionary<long, ExportedInvoice>> GetExportedAsync(string system, IReadOnlyCollection<long> invoiceIds,
        CancellationToken cancellationToken = default);

    /// <summary>
    /// Records these versions as exported, atomically, with one note for all; an invoice already recorded at the same
    /// version is left alone (no history entry). A queued item at the version now recorded is dropped from the queue,
    /// unless a live claim holds it.
    /// </summary>
    Task<MarkResult> MarkExportedAsync(string system, IReadOnlyList<InvoiceVersion> invoices, ExportNote note,
        CancellationToken cancellationToken = default);

    /// <summary>Unmarks these invoices (they are pending again as new), with a history entry each; returns the ids that were marked.</summary>
    Task<IReadOnlyList<long>> ForgetAsync(string system, IReadOnlyCollection<long> invoiceIds, string? note,
        CancellationToken cancellationToken = default);

    // ---- discovery: one worker lists TeamUp and queues what is pending ------------------------------------------

    /// <summary>
    /// Takes the right to discover for <paramref name="system"/>, starting a new generation; null while another
    /// owner holds a live discovery lease.
    /// </summary>
    Task<DiscoveryTicket?> TryBeginDiscoveryAsync(string system, string owner, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Extends a discovery lease; false when it was taken over (stop discovering).</summary>
    Task<bool> RenewDiscoveryAsync(DiscoveryTicket ticket, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Queues candidates (upsert by invoice): version, reason and payload are replaced, the item is tagged with the
    /// ticket's generation. A claimed item keeps its claim and the version it handed out. Throws
    /// <see cref="ExportLedgerException"/> (<see cref="ExportLedgerErrorKind.LeaseLost"/>) when the ticket was taken over.
    /// </summary>
    Task StageAsync(DiscoveryTicket ticket, IReadOnlyList<ExportCandidate> candidates, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a discovery: unclaimed items not staged by this generation are dropped (no longer pending), except
    /// uncertain ones (handed out without an answer: they are always handed out again). Releases the lease.
    /// </summary>
    Task<DiscoveryResult> CompleteDiscoveryAsync(DiscoveryTicket ticket, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a running discovery held by <paramref name="owner"/> (known to be dead), so another may begin at once.
    /// False when <paramref name="owner"/> does not hold it.
    /// </summary>
    Task<bool> ExpireDiscoveryAsync(string system, string owner, CancellationToken cancellationToken = default);

    /// <summary>The latest discovery of <paramref name="system"/>; null when it never had one.</summary>
    Task<DiscoveryState?> GetDiscoveryStateAsync(string system, CancellationToken cancellationToken = default);

    // ---- claims: a batch per worker under a lease -----------------------------------------------------------------

    /// <summary>
    /// Claims up to <paramref name="maxItems"/> queued items for <paramref name="owner"/> under a new token and a lease
    /// of <paramref name="lease"/>; null when nothing is claimable.
    /// </summary>
    Task<ExportClaim?> ClaimAsync(string system, string owner, int maxItems, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>Extends a claim's lease from now; false when the token no longer holds any item (taken over or completed).</summary>
    Task<bool> RenewClaimAsync(string system, string token, TimeSpan lease, CancellationToken cancellationToken = default);

    /// <summary>
    /// Completes a claim: the items in <paramref name="exported"/> (each at the version its claim handed out) are
    /// recorded with <paramref name="note"/>; the other items of the claim are released (pending again). With a
    /// <paramref name="retryRestAfter"/> above zero they get "not confirmed by the exporter" as their last error and are
    /// not claimable before it has passed, so an exporter that keeps declining an invoice does not get it straight back;
    /// with zero they are simply handed back (a batch claimed ahead that was never delivered). Per item, only while the token still holds
    /// it; see <see cref="CompleteResult.Refused"/>. An item still held whose version differs from the one handed out is
    /// an <see cref="ArgumentException"/> (nothing is written).
    /// </summary>
    Task<CompleteResult> CompleteClaimAsync(string system, string token, IReadOnlyCollection<InvoiceVersion> exported, ExportNote note,
        TimeSpan retryRestAfter, CancellationToken cancellationToken = default);

    /// <summary>
    /// Fails a claim: nothing is marked, its items are released with <paramref name="error"/> recorded (history and
    /// <see cref="ClaimedInvoice.LastError"/>), and are not claimable again before <paramref name="retryAfter"/> has
    /// passed (zero: at once), so that a failing batch does not come straight back ahead of the others. Returns the ids
    /// released; items the token lost are not touched.
    /// </summary>
    Task<IReadOnlyList<long>> FailClaimAsync(string system, string token, string error, TimeSpan retryAfter,
        CancellationToken cancellationToken = default);

    /// <summary>The claims of <paramref name="system"/>, live and expired.</summary>
    Task<IReadOnlyList<ClaimInfo>> GetClaimsAsync(string system, CancellationToken cancellationToken = default);

    /// <summary>
    /// Ends a claim's lease now (its owner is known to be dead): its items become claimable at once, as uncertain.
    /// Returns how many items it held.
    /// </summary>
    Task<int> ExpireClaimAsync(string system, string token, CancellationToken cancellationToken = default);

    // ---- reading ----------------------------------------------------------------------------------------------------

    /// <summary>An invoice's history, oldest first, for one system or (null) all of them.</summary>
    Task<IReadOnlyList<LedgerEvent>> GetHistoryAsync(long invoiceId, string? system, CancellationToken cancellationToken = default);

    /// <summary>Counts for <paramref name="system"/>.</summary>
    Task<LedgerStatus> GetStatusAsync(string system, CancellationToken cancellationToken = default);

    /// <summary>Every system the ledger knows (with a mark, a queue item or a history entry), sorted.</summary>
    Task<IReadOnlyList<string>> GetSystemsAsync(CancellationToken cancellationToken = default);
}
