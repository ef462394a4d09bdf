using System.Diagnostics;
using System.Runtime.CompilerServices;
using System.Threading.Channels;
using TeamUp.Generated;
using TeamUp.Generated.Serialization;

namespace TeamUp.Ledger;

/// <summary>
/// Export tracking over a <see cref="TeamUpClient"/>: which invoices are pending for a target system (new, changed
/// since exported, or exported before a time), marking them exported with a note, and a crash-safe sync that hands
/// batches to your exporter and marks what it confirms. State lives in an <see cref="IExportLedgerStore"/> (a SQLite
/// file by default); TeamUp itself is only read.
/// </summary>
/// <remarks>
/// The guarantee of <see cref="SyncAsync(string, IInvoiceExporter, ExportSyncOptions?, IProgress{ExportSyncProgress}?, CancellationToken)"/>:
/// every pending invoice is delivered at least once; a crash or lost lease between delivery and mark makes the batch
/// <i>uncertain</i>, and it is delivered again with the same idempotency keys and counted, so at most one extra
/// delivery per crashed batch, never a silent one.
/// </remarks>
public sealed class ExportTracker
{
    /// <summary>Statuses of invoices not booked yet, left out unless drafts are included: <c>draft</c> and <c>upcoming</c>.</summary>
    public static IReadOnlyList<InvoiceStatus> NotBookedStatuses { get; } = [InvoiceStatus.Draft, InvoiceStatus.Upcoming];

    private const int StageChunk = 200;
    private const int FetchConcurrency = 4;

    private readonly TeamUpClient _client;
    private readonly IExportLedgerStore _store;
    private readonly TimeProvider _time;

    /// <summary>A tracker reading TeamUp through <paramref name="client"/> and keeping state in <paramref name="store"/>.</summary>
    public ExportTracker(TeamUpClient client, IExportLedgerStore store, TimeProvider? timeProvider = null)
    {
        _client = client ?? throw new ArgumentNullException(nameof(client));
        _store = store ?? throw new ArgumentNullException(nameof(store));
        _time = timeProvider ?? TimeProvider.System;
    }

    /// <summary>The ledger.</summary>
    public IExportLedgerStore Store => _store;

    /// <summary>Whether <paramref name="status"/> is booked (anything but <see cref="NotBookedStatuses"/>, unknown statuses included).</summary>
    public static bool IsBooked(InvoiceStatus status) => !NotBookedStatuses.Contains(status);

    // ---- pending --------------------------------------------------------------------------------------------------------

    /// <summary>
    /// The invoices pending for <paramref name="system"/>, streamed in TeamUp's order, each with its reason and version.
    /// Reads the ledger once at the start, then TeamUp page by page.
    /// </summary>
    public async IAsyncEnumerable<PendingInvoice> GetPendingAsync(string system, PendingInvoiceOptions? options = null,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        options ??= new PendingInvoiceOptions();
        CheckPendingOptions(options);
        await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var exported = new Dictionary<long, ExportedInvoice>();
        await foreach (var entry in _store.GetExportedAsync(system, cancellationToken).ConfigureAwait(false))
        {
            exported[entry.InvoiceId] = entry;
        }
        await foreach (var pending in PendingAgainstAsync(exported, options, cancellationToken).ConfigureAwait(false))
        {
            yield return pending;
        }
    }

    private static void CheckPendingOptions(PendingInvoiceOptions options)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(options.PageSize, 1, nameof(options.PageSize));
        ArgumentOutOfRangeException.ThrowIfGreaterThan(options.PageSize, 100, nameof(options.PageSize));
        ArgumentOutOfRangeException.ThrowIfLessThan(options.UpdatedSinceLookBack, TimeSpan.Zero, nameof(options.UpdatedSinceLookBack));
        if (options.DueOnOrAfter > options.DueOnOrBefore)
        {
            throw new ArgumentException("DueOnOrAfter is after DueOnOrBefore: no invoice could match.", nameof(options));
        }
    }

    private async IAsyncEnumerable<PendingInvoice> PendingAgainstAsync(Dictionary<long, ExportedInvoice> exported, PendingInvoiceOptions options,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var source = options.UpdatedSince is null ? ListAsync(options, cancellationToken) : UpdatedSinceAsync(options, cancellationToken);
        // TeamUp answers a page in tens of milliseconds; fingerprinting it (and a sync's staging) takes about as long
        // again. Fetching the next page while this one is worked on makes a listing as long as its requests, not both.
        await foreach (var invoice in ReadAheadAsync(source, options.PageSize, cancellationToken).ConfigureAwait(false))
        {
            if (!options.IncludeDrafts && !IsBooked(invoice.Status))
            {
                continue;
            }
            if (options.DueOnOrAfter is { } from && invoice.DueDate < from || options.DueOnOrBefore is { } to && invoice.DueDate > to)
            {
                continue;
            }
            var version = InvoiceFingerprint.Of(invoice);
            if (!exported.TryGetValue(invoice.Id, out var entry))
            {
                yield return new PendingInvoice(invoice, version, PendingReason.New, null);
            }
            else if (options.OnlyNew)
            {
                continue;
            }
            else if (!InvoiceFingerprint.Same(entry.Version, version))
            {
                yield return new PendingInvoice(invoice, version, PendingReason.Changed, entry);
            }
            else if (options.NotExportedSince is { } since && entry.ExportedAt < since)
            {
                yield return new PendingInvoice(invoice, version, PendingReason.NotExportedSince, entry);
            }
        }
    }

    /// <summary>
    /// Yields <paramref name="source"/>'s items while a background reader keeps up to <paramref name="ahead"/> of them
    /// buffered, so the source's next request runs while the caller works. Its errors surface where the caller reads;
    /// when the caller stops (or fails), the reader is cancelled and awaited, so nothing outlives the enumeration.
    /// </summary>
    internal static async IAsyncEnumerable<T> ReadAheadAsync<T>(IAsyncEnumerable<T> source, int ahead,
        [EnumeratorCancellation] CancellationToken cancellationToken = default)
    {
        var channel = Channel.CreateBounded<T>(new BoundedChannelOptions(Math.Max(1, ahead)) { SingleReader = true, SingleWriter = true });
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var reader = Task.Run(async () =>
        {
            try
            {
                await foreach (var item in source.WithCancellation(stop.Token).ConfigureAwait(false))
                {
                    await channel.Writer.WriteAsync(item, stop.Token).ConfigureAwait(false);
                }
                channel.Writer.TryComplete();
            }
            catch (Exception e)
            {
                channel.Writer.TryComplete(e);
            }
        }, CancellationToken.None);
        try
        {
            while (await channel.Reader.WaitToReadAsync(cancellationToken).ConfigureAwait(false))
            {
                while (channel.Reader.TryRead(out var item))
                {
                    yield return item;
                }
            }
        }
        finally
        {
            await stop.CancelAsync().ConfigureAwait(false);
            await reader.ConfigureAwait(false);
        }
    }

    private static IEnumerable<InvoiceExpand>? Expand(PendingInvoiceOptions options) => options.IncludeLineItems ? [InvoiceExpand.LineItems] : null;

    /// <summary>The full scan: every invoice of the list (with its own status filter), page by page.</summary>
    private IAsyncEnumerable<Invoice> ListAsync(PendingInvoiceOptions options, CancellationToken cancellationToken) =>
        _client.Invoices.ListAllAsync(new InvoiceListOptions
        {
            Expand = Expand(options),
            PageSize = options.PageSize,
            Status = options.Status?.ToList() is { Count: > 0 } statuses ? statuses : null,
        }, cancellationToken);

    /// <summary>
    /// Incremental: ids from the invoices report with <c>updated_at_gte</c> = since - look-back (inclusive, so a tie
    /// on the boundary is in), then each invoice fetched, so what is compared is the invoice itself, not the report.
    /// </summary>
    private async IAsyncEnumerable<Invoice> UpdatedSinceAsync(PendingInvoiceOptions options, [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        var since = options.UpdatedSince!.Value - options.UpdatedSinceLookBack;
        var ids = new SortedSet<int>();
        await foreach (var row in _client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery
        {
            Columns = [InvoicesReportColumn.Id],
            UpdatedAtGte = since,
            DueDateGte = options.DueOnOrAfter,
            DueDateLte = options.DueOnOrBefore,
            PageSize = 100,     // the report's maximum
        }, cancellationToken).ConfigureAwait(false))
        {
            if (row.Id is { } id)
            {
                ids.Add(id);
            }
        }
        var statuses = options.Status?.ToHashSet();
        var expand = Expand(options);
        foreach (var chunk in ids.Chunk(FetchConcurrency))
        {
            var invoices = await Task.WhenAll(chunk.Select(id => FetchAsync(id, expand, cancellationToken))).ConfigureAwait(false);
            foreach (var invoice in invoices)
            {
                if (invoice is not null && (statuses is null || statuses.Count == 0 || statuses.Contains(invoice.Status)))
                {
                    yield return invoice;
                }
            }
        }
    }

    private async Task<Invoice?> FetchAsync(int id, IEnumerable<InvoiceExpand>? expand, CancellationToken cancellationToken)
    {
        try
        {
            return await _client.Invoices.RetrieveAsync(id, expand, cancellationToken: cancellationToken).ConfigureAwait(false);
        }
        catch (TeamUpApiException e) when (e.StatusCode == 404)
        {
            return null;    // gone since the report listed it: nothing to export
        }
    }

    // ---- mark, forget, history, status ----------------------------------------------------------------------------------

    /// <summary>
    /// Marks invoices exported to <paramref name="system"/>, atomically, with <paramref name="note"/>. Each is marked at
    /// the version given (what was exported, e.g. the <see cref="PendingInvoice.Version"/> listed), or, without one,
    /// at the version TeamUp returns now. An invoice that changed after the version given stays pending; marking the
    /// version already recorded is a no-op.
    /// </summary>
    public async Task<MarkResult> MarkExportedAsync(string system, IEnumerable<InvoiceToMark> invoices, ExportNote note, bool includeLineItems = false,
        CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentNullException.ThrowIfNull(invoices);
        ArgumentNullException.ThrowIfNull(note);
        note.Validate();
        var list = invoices.ToList();
        if (list.Count == 0)
        {
            return new MarkResult([], []);
        }
        await _store.OpenAsync(cancellationToken).ConfigureAwait(false);
        var versions = new Dictionary<long, string>();
        foreach (var item in list.Where(i => !string.IsNullOrEmpty(i.Version)))
        {
            versions[item.InvoiceId] = item.Version!;
        }
        var missing = list.Where(i => string.IsNullOrEmpty(i.Version)).Select(i => i.InvoiceId).Distinct().ToList();
        if (missing.Count > 0)
        {
            IEnumerable<InvoiceExpand>? expand = includeLineItems ? [InvoiceExpand.LineItems] : null;
            var notFound = new List<long>();
            foreach (var chunk in missing.Chunk(FetchConcurrency))
            {
                var fetched = await Task.WhenAll(chunk.Select(id => id is > int.MaxValue or < int.MinValue
                    ? Task.FromResult<Invoice?>(null)
                    : FetchAsync((int)id, expand, cancellationToken))).ConfigureAwait(false);
                for (var i = 0; i < chunk.Length; i++)
                {
                    if (fetched[i] is { } invoice)
                    {
                        versions[chunk[i]] = InvoiceFingerprint.Of(invoice);
                    }
                    else
                    {
                        notFound.Add(chunk[i]);
                    }
                }
            }
            if (notFound.Count > 0)
            {
                throw new ArgumentException(
                    $"TeamUp has no invoice {string.Join(", ", notFound)} (for this provider); nothing was marked.", nameof(invoices));
            }
        }
        return await _store.MarkExportedAsync(system, [.. versions.Select(v => new InvoiceVersion(v.Key, v.Value))], note, cancellationToken)
            .ConfigureAwait(false);
    }

    /// <summary>Unmarks invoices for <paramref name="system"/>: they are pending (as new) again. Returns the ids that were marked.</summary>
    public Task<IReadOnlyList<long>> ForgetAsync(string system, IReadOnlyCollection<long> invoiceIds, string? note = null,
        CancellationToken cancellationToken = default) => _store.ForgetAsync(system, invoiceIds, note, cancellationToken);

    /// <summary>An invoice's history (marks with notes, forgets, failures, uncertain deliveries), oldest first.</summary>
    public Task<IReadOnlyList<LedgerEvent>> GetHistoryAsync(long invoiceId, string? system = null, CancellationToken cancellationToken = default) =>
        _store.GetHistoryAsync(invoiceId, system, cancellationToken);

    /// <summary>The ledger's counts for <paramref name="system"/>.</summary>
    public Task<LedgerStatus> GetStatusAsync(string system, CancellationToken cancellationToken = default) =>
        _store.GetStatusAsync(system, cancellationToken);

    // ---- sync -----------------------------------------------------------------------------------------------------------

    /// <summary>Runs a sync with a delegate as the exporter.</summary>
    public Task<ExportSyncResult> SyncAsync(string system, Func<ExportBatch, CancellationToken, Task<ExportBatchResult>> exporter,
        ExportSyncOptions? options = null, IProgress<ExportSyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(exporter);
        return SyncAsync(system, new DelegateExporter(exporter), options, progress, cancellationToken);
    }

    private sealed class DelegateExporter(Func<ExportBatch, CancellationToken, Task<ExportBatchResult>> export) : IInvoiceExporter
    {
        public Task<ExportBatchResult> ExportAsync(ExportBatch batch, CancellationToken cancellationToken) => export(batch, cancellationToken);
    }

    /// <summary>
    /// Syncs <paramref name="system"/>: discovers what is pending (one worker at a time per system), then claims batches
    /// of <see cref="ExportSyncOptions.BatchSize"/>, hands each to <paramref name="exporter"/> and marks what it confirms,
    /// until nothing is left. Claims are recorded before delivery and marks after, so a crash anywhere loses nothing:
    /// the batch it interrupted is uncertain and delivered again (same keys) by the next run.
    /// </summary>
    public async Task<ExportSyncResult> SyncAsync(string system, IInvoiceExporter exporter, ExportSyncOptions? options = null,
        IProgress<ExportSyncProgress>? progress = null, CancellationToken cancellationToken = default)
    {
        ExportSystem.Validate(system);
        ArgumentNullException.ThrowIfNull(exporter);
        options ??= new ExportSyncOptions();
        options.Check();
        CheckPendingOptions(options);
        var run = new SyncRun(this, system, exporter, options, progress);
        return await run.ExecuteAsync(cancellationToken).ConfigureAwait(false);
    }

    /// <summary>One sync run's state and counters.</summary>
    private sealed class SyncRun(ExportTracker tracker, string system, IInvoiceExporter exporter, ExportSyncOptions options,
        IProgress<ExportSyncProgress>? progress)
    {
        private readonly IExportLedgerStore _store = tracker._store;
        private readonly string _owner = options.Owner ?? LedgerOwner.Current();
        private readonly Stopwatch _ledgerTime = new();
        private int _discovered, _batches, _delivered, _exported, _unchanged, _failed, _failedBatches, _uncertain, _refused, _total;
        private string? _lastError;

        private async Task<T> LedgerAsync<T>(Func<Task<T>> call)
        {
            _ledgerTime.Start();
            try
            {
                return await call().ConfigureAwait(false);
            }
            finally
            {
                _ledgerTime.Stop();
            }
        }

        public async Task<ExportSyncResult> ExecuteAsync(CancellationToken cancellationToken)
        {
            var started = Stopwatch.StartNew();
            await LedgerAsync(async () => { await _store.OpenAsync(cancellationToken).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
            await TakeOverDeadLocalWorkersAsync(cancellationToken).ConfigureAwait(false);
            await DiscoverAsync(cancellationToken).ConfigureAwait(false);

            var consecutiveFailures = 0;
            var stoppedEarly = false;
            Task<ExportClaim?>? ahead = null;
            try
            {
                while (true)
                {
                    cancellationToken.ThrowIfCancellationRequested();
                    // The claim taken ahead (while the previous batch was out) is waited for here; only the wait counts as
                    // ledger time, because only the wait adds to the run.
                    var pending = ahead ?? ClaimAsync(cancellationToken);
                    ahead = null;
                    var claim = await LedgerAsync(() => pending).ConfigureAwait(false);
                    if (claim is null)
                    {
                        // Another worker may still be discovering; its items are ours to share once they are queued.
                        var state = await LedgerAsync(() => _store.GetDiscoveryStateAsync(system, cancellationToken)).ConfigureAwait(false);
                        if (state is not null && state.IsRunning(tracker._time.GetUtcNow()))
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(250), tracker._time, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                        // Other workers still hold batches: stay until they answer, so that if one dies its batch is
                        // taken over (after its lease) in this run, not left for the next one.
                        var now = tracker._time.GetUtcNow();
                        var others = await LedgerAsync(() => _store.GetClaimsAsync(system, cancellationToken)).ConfigureAwait(false);
                        if (others.Any(c => c.Owner != _owner && c.ExpiresAt > now))
                        {
                            await Task.Delay(TimeSpan.FromMilliseconds(250), tracker._time, cancellationToken).ConfigureAwait(false);
                            continue;
                        }
                        break;
                    }
                    if (options.ClaimAhead)
                    {
                        // Claiming is a synced commit (an fsync); taking the next batch while the exporter works on this
                        // one keeps that off the critical path.
                        ahead = ClaimAsync(cancellationToken);
                    }
                    var ok = await DeliverAsync(claim, cancellationToken).ConfigureAwait(false);
                    consecutiveFailures = ok ? 0 : consecutiveFailures + 1;
                    progress?.Report(new ExportSyncProgress(Math.Max(_total, _delivered), _delivered, _exported, _failed));
                    if (consecutiveFailures >= options.MaxConsecutiveFailures)
                    {
                        stoppedEarly = true;
                        break;
                    }
                }
            }
            finally
            {
                if (ahead is not null)
                {
                    await ReleaseUndeliveredAsync(ahead).ConfigureAwait(false);
                }
            }
            var status = await LedgerAsync(() => _store.GetStatusAsync(system, cancellationToken)).ConfigureAwait(false);
            return new ExportSyncResult(system, _discovered, _batches, _delivered, _exported, _unchanged, _failed, _failedBatches, _uncertain, _refused,
                status.Queued + status.InFlight, stoppedEarly, _lastError, started.Elapsed, _ledgerTime.Elapsed);
        }

        private Task<ExportClaim?> ClaimAsync(CancellationToken cancellationToken) =>
            _store.ClaimAsync(system, _owner, options.BatchSize, options.Lease, cancellationToken);

        /// <summary>
        /// A batch claimed ahead that the run will not deliver (it stopped, or was cancelled): back to the queue at once.
        /// It never reached the exporter, so it is released as not delivered rather than left to expire as uncertain.
        /// </summary>
        private async Task ReleaseUndeliveredAsync(Task<ExportClaim?> ahead)
        {
            ExportClaim? claim;
            try
            {
                claim = await ahead.ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or ExportLedgerException)
            {
                return;     // not claimed, or the ledger failed: nothing is held (a lease would expire anyway)
            }
            if (claim is not null)
            {
                await _store.CompleteClaimAsync(system, claim.Token, [], new ExportNote(""), TimeSpan.Zero, CancellationToken.None).ConfigureAwait(false);
            }
        }

        /// <summary>
        /// Claims and a discovery held by a process of this machine that is gone (killed, crashed) end now, so their
        /// items come back at once as uncertain instead of after the lease.
        /// </summary>
        private async Task TakeOverDeadLocalWorkersAsync(CancellationToken cancellationToken)
        {
            var now = tracker._time.GetUtcNow();
            var claims = await LedgerAsync(() => _store.GetClaimsAsync(system, cancellationToken)).ConfigureAwait(false);
            foreach (var claim in claims.Where(c => c.ExpiresAt > now && LedgerOwner.IsDeadLocalProcess(c.Owner)))
            {
                await LedgerAsync(() => _store.ExpireClaimAsync(system, claim.Token, cancellationToken)).ConfigureAwait(false);
            }
            var state = await LedgerAsync(() => _store.GetDiscoveryStateAsync(system, cancellationToken)).ConfigureAwait(false);
            if (state is { Owner: { } owner } && state.IsRunning(now) && LedgerOwner.IsDeadLocalProcess(owner))
            {
                await LedgerAsync(() => _store.ExpireDiscoveryAsync(system, owner, cancellationToken)).ConfigureAwait(false);
            }
        }

        private async Task DiscoverAsync(CancellationToken cancellationToken)
        {
            var discoveryLease = options.Lease;
            // A worker that starts while others are delivering joins their run instead of listing TeamUp once more
            // (N workers started together must not discover N times); a lone rerun finds no live claim and discovers.
            var now = tracker._time.GetUtcNow();
            var claims = await LedgerAsync(() => _store.GetClaimsAsync(system, cancellationToken)).ConfigureAwait(false);
            if (claims.Any(c => c.Owner != _owner && c.ExpiresAt > now))
            {
                return;
            }
            var ticket = await LedgerAsync(() => _store.TryBeginDiscoveryAsync(system, _owner, discoveryLease, cancellationToken)).ConfigureAwait(false);
            if (ticket is null)
            {
                return;     // another worker lists TeamUp; this one shares the claims
            }
            var exported = new Dictionary<long, ExportedInvoice>();
            await LedgerAsync(async () =>
            {
                await foreach (var entry in _store.GetExportedAsync(system, cancellationToken).ConfigureAwait(false))
                {
                    exported[entry.InvoiceId] = entry;
                }
                return 0;
            }).ConfigureAwait(false);

            var buffer = new List<ExportCandidate>(StageChunk);
            var renewAt = tracker._time.GetUtcNow() + discoveryLease / 3;
            // Listing a large account can take longer than the lease between two stagings: renew on a timer too.
            using var listing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
            var lost = false;
            var renewal = RenewDiscoveryWhileListingAsync(ticket, discoveryLease, () => lost = true, listing.Token);
            try
            {
                await ListAsync().ConfigureAwait(false);
            }
            finally
            {
                await listing.CancelAsync().ConfigureAwait(false);
                await renewal.ConfigureAwait(false);
            }
            var result = await LedgerAsync(() => _store.CompleteDiscoveryAsync(ticket, cancellationToken)).ConfigureAwait(false);
            _total = result.Queued;
            progress?.Report(new ExportSyncProgress(_total, 0, 0, 0));

            async Task ListAsync()
            {
                await foreach (var pending in tracker.PendingAgainstAsync(exported, options, cancellationToken).ConfigureAwait(false))
                {
                    _discovered++;
                    buffer.Add(new ExportCandidate(pending.InvoiceId, pending.Version, pending.Reason, TeamUpJson.Serialize(pending.Invoice)));
                    if (buffer.Count >= StageChunk)
                    {
                        await FlushAsync().ConfigureAwait(false);
                    }
                }
                await FlushAsync().ConfigureAwait(false);
            }

            async Task FlushAsync()
            {
                if (lost || tracker._time.GetUtcNow() >= renewAt)
                {
                    if (!await LedgerAsync(() => _store.RenewDiscoveryAsync(ticket, discoveryLease, cancellationToken)).ConfigureAwait(false))
                    {
                        throw new ExportLedgerException(ExportLedgerErrorKind.LeaseLost, _store.Location,
                            $"This worker's discovery of '{system}' was taken over (it ran past its lease of {discoveryLease.TotalSeconds:0} s).");
                    }
                    renewAt = tracker._time.GetUtcNow() + discoveryLease / 3;
                }
                if (buffer.Count > 0)
                {
                    await LedgerAsync(async () => { await _store.StageAsync(ticket, buffer, cancellationToken).ConfigureAwait(false); return 0; }).ConfigureAwait(false);
                    buffer.Clear();
                }
            }
        }

        private async Task RenewDiscoveryWhileListingAsync(DiscoveryTicket ticket, TimeSpan lease, Action onLost, CancellationToken cancellationToken)
        {
            try
            {
                while (true)
                {
                    await Task.Delay(lease / 3, tracker._time, cancellationToken).ConfigureAwait(false);
                    if (!await _store.RenewDiscoveryAsync(ticket, lease, cancellationToken).ConfigureAwait(false))
                    {
                        onLost();   // the next staging says so (LeaseLost)
                        return;
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ExportLedgerException)
            {
                // Briefly unavailable: the staging renews too, and says so if the lease is gone.
            }
        }

        /// <summary>Hands one claim to the exporter, renewing its lease meanwhile, and records the answer. False when the batch failed.</summary>
        private async Task<bool> DeliverAsync(ExportClaim claim, CancellationToken cancellationToken)
        {
            var items = claim.Items.Select(i => new ExportItem(i.InvoiceId, i.Version, i.Reason, i.IdempotencyKey, i.Uncertain, i.Deliveries,
                i.Payload ?? "{}")).ToList();
            var batch = new ExportBatch(system, ++_batches, ExportIdempotencyKey.ForBatch(items.Select(i => i.IdempotencyKey)), items);
            _delivered += items.Count;
            _uncertain += batch.UncertainCount;

            ExportBatchResult result;
            using (var renewing = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken))
            {
                var renewal = RenewWhileExportingAsync(claim, renewing.Token);
                try
                {
                    result = await exporter.ExportAsync(batch, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    // Stopped mid-delivery: the target may have it. End the lease now so the next run hands it out
                    // again at once, as uncertain, with the same keys.
                    await renewing.CancelAsync().ConfigureAwait(false);
                    await renewal.ConfigureAwait(false);
                    await _store.ExpireClaimAsync(system, claim.Token, CancellationToken.None).ConfigureAwait(false);
                    throw;
                }
                catch (Exception e) when (e is not OperationCanceledException)
                {
                    result = ExportBatchResult.Failed($"the exporter threw {e.GetType().Name}: {e.Message}");
                }
                await renewing.CancelAsync().ConfigureAwait(false);
                await renewal.ConfigureAwait(false);
            }

            if (result.Error is { } error)
            {
                _lastError = error;
                _failed += items.Count;
                _failedBatches++;
                await LedgerAsync(() => _store.FailClaimAsync(system, claim.Token, error, options.RetryFailedAfter, CancellationToken.None)).ConfigureAwait(false);
                return false;
            }
            var handedOut = claim.Items.ToDictionary(i => i.InvoiceId);
            var confirmed = (result.Exported ?? []).Where(handedOut.ContainsKey).Select(id => new InvoiceVersion(id, handedOut[id].Version)).ToList();
            // Marks are written even if the caller cancels now: the export happened, and losing the mark would mean
            // delivering it again.
            var done = await LedgerAsync(() => _store.CompleteClaimAsync(system, claim.Token, confirmed,
                new ExportNote(result.Note ?? options.Note, result.Reference), options.RetryFailedAfter, CancellationToken.None)).ConfigureAwait(false);
            _exported += done.Marked.Count;
            _unchanged += done.Unchanged.Count;
            _refused += done.Refused.Count;
            _failed += done.Released.Count;
            if (done.Refused.Count > 0)
            {
                _lastError = $"{done.Refused.Count} invoices were confirmed after this worker's lease ran out and another took them over; recorded as late results, not marked.";
            }
            return true;
        }

        private async Task RenewWhileExportingAsync(ExportClaim claim, CancellationToken cancellationToken)
        {
            var every = options.Lease / 3;
            try
            {
                while (true)
                {
                    await Task.Delay(every, tracker._time, cancellationToken).ConfigureAwait(false);
                    // Not counted as ledger time: it runs while the exporter works, adding nothing to the wall time.
                    if (!await _store.RenewClaimAsync(system, claim.Token, options.Lease, cancellationToken).ConfigureAwait(false))
                    {
                        return;     // lost: the completion will be refused and reported
                    }
                }
            }
            catch (OperationCanceledException)
            {
            }
            catch (ExportLedgerException)
            {
                // A renewal that fails (ledger briefly unavailable) is not the export's failure; the next one may work,
                // and if the lease lapses the completion says so.
            }
        }
    }
}
