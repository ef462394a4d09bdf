using Microsoft.Extensions.Time.Testing;

namespace TeamUp.Ledger.Tests.Contract;

/// <summary>
/// The behaviour every <see cref="IExportLedgerStore"/> must have. A store's test class derives from this and says how
/// to make an empty ledger; xUnit runs every test below against it (SQLite: <c>SqliteExportLedgerStoreTests</c>).
/// Time is a <see cref="FakeTimeProvider"/> the store must use for leases and history.
/// </summary>
public abstract class ExportLedgerStoreContract : IAsyncLifetime
{
    protected const string Xero = "xero";
    protected const string Datev = "datev-prod";
    protected static readonly TimeSpan Lease = TimeSpan.FromMinutes(5);

    protected FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 12, 1, 9, 0, 0, TimeSpan.Zero));

    protected IExportLedgerStore Store { get; private set; } = null!;

    private readonly List<IExportLedgerStore> _others = [];

    /// <summary>A new, empty ledger (its own file, database or schema) whose store uses <paramref name="time"/>.</summary>
    protected abstract Task<IExportLedgerStore> CreateStoreAsync(TimeProvider time);

    /// <summary>Another store object on the same ledger as <see cref="Store"/>, as a second process would open it.</summary>
    protected abstract Task<IExportLedgerStore> OpenSameLedgerAsync(TimeProvider time);

    public async Task InitializeAsync()
    {
        Store = await CreateStoreAsync(Time);
        await Store.OpenAsync();
    }

    public virtual async Task DisposeAsync()
    {
        foreach (var other in _others)
        {
            await other.DisposeAsync();
        }
        await Store.DisposeAsync();
        GC.SuppressFinalize(this);
    }

    protected async Task<IExportLedgerStore> SecondStoreAsync()
    {
        var store = await OpenSameLedgerAsync(Time);
        _others.Add(store);
        await store.OpenAsync();
        return store;
    }

    protected static InvoiceVersion V(long id, string version = "v1") => new(id, version);

    protected static ExportCandidate Candidate(long id, string version = "v1", PendingReason reason = PendingReason.New) =>
        new(id, version, reason, $$"""{"id":{{id}},"v":"{{version}}"}""");

    protected async Task QueueAsync(string system, params ExportCandidate[] candidates)
    {
        var ticket = await Store.TryBeginDiscoveryAsync(system, "discoverer", Lease);
        Assert.NotNull(ticket);
        await Store.StageAsync(ticket, candidates);
        await Store.CompleteDiscoveryAsync(ticket);
    }

    protected async Task<List<ExportedInvoice>> ExportedAsync(string system) => await Store.GetExportedAsync(system).ToListAsync();

    // ---- opening ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Opening_twice_and_from_a_second_store_keeps_the_schema_and_the_data()
    {
        await Store.MarkExportedAsync(Xero, [V(1)], new ExportNote("first"));
        await Store.OpenAsync();
        var second = await SecondStoreAsync();

        Assert.True(Store.SchemaVersion >= 1);
        Assert.Equal(Store.SchemaVersion, second.SchemaVersion);
        Assert.Equal([1L], (await second.GetExportedAsync(Xero).ToListAsync()).Select(e => e.InvoiceId));
        Assert.DoesNotContain("password", second.Location, StringComparison.OrdinalIgnoreCase);
    }

    [Fact]
    public async Task System_names_are_validated()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.MarkExportedAsync("has space", [V(1)], new ExportNote("")));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.GetStatusAsync(new string('x', 65)));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.ClaimAsync("", "me", 10, Lease));
        Assert.Empty(await Store.GetSystemsAsync());
    }

    // ---- marking ------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Marking_records_the_version_with_note_reference_and_time()
    {
        var result = await Store.MarkExportedAsync(Xero, [V(1, "a"), V(2, "b")], new ExportNote("batch 7 imported", "XR-7"));

        Assert.Equal([1L, 2L], result.Marked.Order());
        Assert.Empty(result.Unchanged);
        var exported = await ExportedAsync(Xero);
        Assert.Equal([(1L, "a"), (2L, "b")], exported.Select(e => (e.InvoiceId, e.Version)));
        Each.Of(exported, e => Assert.Equal(Time.GetUtcNow(), e.ExportedAt));
        Each.Of(exported, e => Assert.Equal("XR-7", e.Reference));

        var history = await Store.GetHistoryAsync(1, Xero);
        var entry = Assert.Single(history);
        Assert.Equal(LedgerEventKind.Exported, entry.Kind);
        Assert.Equal("batch 7 imported", entry.Note);
        Assert.Equal("XR-7", entry.Reference);
        Assert.Equal("a", entry.Version);
        Assert.Equal(ExportIdempotencyKey.For(Xero, 1, "a"), entry.IdempotencyKey);
    }

    [Fact]
    public async Task Marking_the_same_version_again_is_a_no_op()
    {
        await Store.MarkExportedAsync(Xero, [V(1, "a")], new ExportNote("first"));
        Time.Advance(TimeSpan.FromHours(1));

        var again = await Store.MarkExportedAsync(Xero, [V(1, "a")], new ExportNote("second"));

        Assert.Empty(again.Marked);
        Assert.Equal([1L], again.Unchanged);
        Assert.Single(await Store.GetHistoryAsync(1, Xero));
        Assert.Equal(Time.GetUtcNow() - TimeSpan.FromHours(1), (await ExportedAsync(Xero)).Single().ExportedAt);
    }

    [Fact]
    public async Task Marking_a_new_version_replaces_the_old_one_and_adds_to_the_history()
    {
        await Store.MarkExportedAsync(Xero, [V(1, "a")], new ExportNote("first"));
        Time.Advance(TimeSpan.FromMinutes(1));
        await Store.MarkExportedAsync(Xero, [V(1, "b")], new ExportNote("re-exported after payment"));

        Assert.Equal("b", (await ExportedAsync(Xero)).Single().Version);
        Assert.Equal(["first", "re-exported after payment"], (await Store.GetHistoryAsync(1, Xero)).Select(e => e.Note));
    }

    [Fact]
    public async Task A_mark_with_an_invalid_item_marks_nothing()
    {
        await Assert.ThrowsAsync<ArgumentException>(() => Store.MarkExportedAsync(Xero, [V(1, "a"), V(2, "")], new ExportNote("x")));
        await Assert.ThrowsAsync<ArgumentException>(() => Store.MarkExportedAsync(Xero, [V(1, "a")], new ExportNote(new string('n', ExportNote.MaxNoteLength + 1))));

        Assert.Empty(await ExportedAsync(Xero));
        Assert.Empty(await Store.GetHistoryAsync(1, null));
    }

    [Fact]
    public async Task Systems_are_independent()
    {
        await Store.MarkExportedAsync(Xero, [V(1, "a")], new ExportNote("to xero"));
        await Store.MarkExportedAsync(Datev, [V(2, "a")], new ExportNote("to datev"));

        Assert.Equal([1L], (await ExportedAsync(Xero)).Select(e => e.InvoiceId));
        Assert.Equal([2L], (await ExportedAsync(Datev)).Select(e => e.InvoiceId));
        Assert.Empty(await Store.GetHistoryAsync(1, Datev));
        Assert.Equal([Datev, Xero], await Store.GetSystemsAsync());
        Assert.Equal(1, (await Store.GetStatusAsync(Xero)).Exported);
    }

    [Fact]
    public async Task Exported_versions_can_be_read_for_a_set_of_ids()
    {
        await Store.MarkExportedAsync(Xero, [.. Enumerable.Range(1, 1200).Select(i => V(i, $"v{i}"))], new ExportNote("bulk"));

        var some = await Store.GetExportedAsync(Xero, [5, 700, 1199, 5000]);

        Assert.Equal([5L, 700L, 1199L], some.Keys.Order());
        Assert.Equal("v700", some[700].Version);
        Assert.Equal(1200, await Store.GetExportedAsync(Xero).CountAsync());
    }

    // ---- forgetting ---------------------------------------------------------------------------------------------------

    [Fact]
    public async Task Forgetting_unmarks_and_is_recorded()
    {
        await Store.MarkExportedAsync(Xero, [V(1, "a"), V(2, "a")], new ExportNote("first"));
        await Store.MarkExportedAsync(Datev, [V(1, "a")], new ExportNote("first"));

        var forgotten = await Store.ForgetAsync(Xero, [1, 3], "re-export, the import was rolled back");

        Assert.Equal([1L], forgotten);
        Assert.Equal([2L], (await ExportedAsync(Xero)).Select(e => e.InvoiceId));
        Assert.Equal([1L], (await ExportedAsync(Datev)).Select(e => e.InvoiceId));
        var history = await Store.GetHistoryAsync(1, Xero);
        Assert.Equal([LedgerEventKind.Exported, LedgerEventKind.Forgotten], history.Select(e => e.Kind));
        Assert.Equal("re-export, the import was rolled back", history[1].Note);
        Assert.Equal(3, (await Store.GetHistoryAsync(1, null)).Count);
    }

    // ---- discovery ----------------------------------------------------------------------------------------------------

    [Fact]
    public async Task One_discovery_at_a_time_per_system_until_its_lease_expires()
    {
        var first = await Store.TryBeginDiscoveryAsync(Xero, "worker-1", Lease);
        Assert.NotNull(first);
        Assert.Null(await Store.TryBeginDiscoveryAsync(Xero, "worker-2", Lease));
        Assert.NotNull(await Store.TryBeginDiscoveryAsync(Datev, "worker-2", Lease));
        Assert.True((await Store.GetDiscoveryStateAsync(Xero))!.IsRunning(Time.GetUtcNow()));

        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var second = await Store.TryBeginDiscoveryAsync(Xero, "worker-2", Lease);

        Assert.NotNull(second);
        Assert.Equal(first.Generation + 1, second.Generation);
        var lost = await Assert.ThrowsAsync<ExportLedgerException>(() => Store.StageAsync(first, [Candidate(1)]));
        Assert.Equal(ExportLedgerErrorKind.LeaseLost, lost.Kind);
        Assert.False(await Store.RenewDiscoveryAsync(first, Lease));
        await Assert.ThrowsAsync<ExportLedgerException>(() => Store.CompleteDiscoveryAsync(first));
    }

    [Fact]
    public async Task A_renewed_discovery_keeps_its_lease()
    {
        var ticket = await Store.TryBeginDiscoveryAsync(Xero, "worker-1", Lease);
        Time.Advance(Lease - TimeSpan.FromSeconds(1));
        Assert.True(await Store.RenewDiscoveryAsync(ticket!, Lease));
        Time.Advance(TimeSpan.FromSeconds(2));

        Assert.Null(await Store.TryBeginDiscoveryAsync(Xero, "worker-2", Lease));
    }

    [Fact]
    public async Task Completing_a_discovery_drops_unclaimed_items_it_did_not_see_and_keeps_claimed_and_uncertain_ones()
    {
        await QueueAsync(Xero, Candidate(1), Candidate(2), Candidate(3), Candidate(4));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 2, Lease);          // 1 and 2 are out
        Assert.Equal([1L, 2L], claim!.Items.Select(i => i.InvoiceId));
        await Store.ExpireClaimAsync(Xero, claim.Token);                          // ... and now uncertain

        var ticket = await Store.TryBeginDiscoveryAsync(Xero, "discoverer", Lease);
        await Store.StageAsync(ticket!, [Candidate(4, "v2", PendingReason.Changed), Candidate(5)]);
        var result = await Store.CompleteDiscoveryAsync(ticket!);

        Assert.Equal(1, result.Dropped);                                         // 3: no longer pending
        Assert.Equal(4, result.Queued);                                          // 1, 2 (uncertain), 4, 5
        var state = await Store.GetDiscoveryStateAsync(Xero);
        Assert.Equal(ticket!.Generation, state!.CompletedGeneration);
        Assert.False(state.IsRunning(Time.GetUtcNow()));
        Assert.Equal(Time.GetUtcNow(), state.CompletedAt);

        var next = await Store.ClaimAsync(Xero, "worker-2", 10, Lease);
        Assert.Equal([1L, 2L, 4L, 5L], next!.Items.Select(i => i.InvoiceId));
        var four = next.Items.Single(i => i.InvoiceId == 4);
        Assert.Equal(("v2", PendingReason.Changed), (four.Version, four.Reason));
        Assert.Equal("""{"id":4,"v":"v2"}""", four.Payload);
    }

    // ---- claims -------------------------------------------------------------------------------------------------------

    [Fact]
    public async Task A_claim_hands_out_a_batch_in_invoice_order_with_keys_and_a_lease()
    {
        await QueueAsync(Xero, Candidate(30), Candidate(10, "x", PendingReason.Changed), Candidate(20));

        var claim = await Store.ClaimAsync(Xero, "worker-1", 2, Lease);

        Assert.NotNull(claim);
        Assert.Equal(Xero, claim.System);
        Assert.Equal("worker-1", claim.Owner);
        Assert.Equal(Time.GetUtcNow() + Lease, claim.ExpiresAt);
        Assert.False(string.IsNullOrEmpty(claim.Token));
        Assert.Equal([10L, 20L], claim.Items.Select(i => i.InvoiceId));
        var ten = claim.Items[0];
        Assert.Equal("x", ten.Version);
        Assert.Equal(PendingReason.Changed, ten.Reason);
        Assert.Equal(ExportIdempotencyKey.For(Xero, 10, "x"), ten.IdempotencyKey);
        Assert.False(ten.Uncertain);
        Assert.Equal(1, ten.Deliveries);
        Assert.Null(ten.LastError);

        var rest = await Store.ClaimAsync(Xero, "worker-2", 10, Lease);
        Assert.Equal([30L], rest!.Items.Select(i => i.InvoiceId));
        Assert.NotEqual(claim.Token, rest.Token);
        Assert.Null(await Store.ClaimAsync(Xero, "worker-3", 10, Lease));
        Assert.Null(await Store.ClaimAsync(Datev, "worker-3", 10, Lease));
    }

    [Fact]
    public async Task Completing_a_claim_marks_what_was_confirmed_and_releases_the_rest()
    {
        await QueueAsync(Xero, Candidate(1), Candidate(2), Candidate(3));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);

        var result = await Store.CompleteClaimAsync(Xero, claim!.Token, [V(1), V(3)], new ExportNote("sync run 1", "R-1"), TimeSpan.Zero);

        Assert.Equal([1L, 3L], result.Marked.Order());
        Assert.Equal([2L], result.Released);
        Assert.Empty(result.Refused);
        Assert.Equal([1L, 3L], (await ExportedAsync(Xero)).Select(e => e.InvoiceId));
        var history = Assert.Single(await Store.GetHistoryAsync(3, Xero));
        Assert.Equal(("sync run 1", "R-1", "worker-1"), (history.Note, history.Reference, history.Owner));
        Assert.Equal(ExportIdempotencyKey.For(Xero, 3, "v1"), history.IdempotencyKey);

        var again = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        var two = Assert.Single(again!.Items);
        Assert.Equal(2, two.InvoiceId);
        Assert.False(two.Uncertain);                                             // released with an answer: not uncertain
        Assert.Equal(2, two.Deliveries);
        Assert.False(await Store.RenewClaimAsync(Xero, claim.Token, Lease));   // the old token holds nothing now
    }

    [Fact]
    public async Task Unconfirmed_items_wait_out_the_retry_delay_given_at_completion()
    {
        await QueueAsync(Xero, Candidate(1), Candidate(2), Candidate(3));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 2, Lease);

        var result = await Store.CompleteClaimAsync(Xero, claim!.Token, [V(1)], new ExportNote("one of two"), TimeSpan.FromMinutes(1));

        Assert.Equal([2L], result.Released);
        Assert.Equal([3L], (await Store.ClaimAsync(Xero, "worker-1", 10, Lease))!.Items.Select(i => i.InvoiceId));
        Assert.Null(await Store.ClaimAsync(Xero, "worker-1", 10, Lease));
        Time.Advance(TimeSpan.FromMinutes(1));
        var two = Assert.Single((await Store.ClaimAsync(Xero, "worker-1", 10, Lease))!.Items);
        Assert.Equal((2L, "not confirmed by the exporter", false), (two.InvoiceId, two.LastError, two.Uncertain));
    }

    [Fact]
    public async Task A_claim_is_completed_only_with_its_token()
    {
        await QueueAsync(Xero, Candidate(1));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);

        var forged = await Store.CompleteClaimAsync(Xero, "not-the-token", [V(1)], new ExportNote("forged"), TimeSpan.Zero);

        Assert.Equal([1L], forged.Refused);
        Assert.Empty(forged.Marked);
        Assert.Empty(await ExportedAsync(Xero));
        Assert.Equal(LedgerEventKind.LateResult, Assert.Single(await Store.GetHistoryAsync(1, Xero)).Kind);
        var real = await Store.CompleteClaimAsync(Xero, claim!.Token, [V(1)], new ExportNote("real"), TimeSpan.Zero);
        Assert.Equal([1L], real.Marked);
    }

    [Fact]
    public async Task A_confirmed_version_other_than_the_one_handed_out_is_refused_before_anything_is_written()
    {
        await QueueAsync(Xero, Candidate(1, "a"), Candidate(2, "a"));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);

        await Assert.ThrowsAsync<ArgumentException>(() => Store.CompleteClaimAsync(Xero, claim!.Token, [V(1, "a"), V(2, "zzz")], new ExportNote("x"), TimeSpan.Zero));

        Assert.Empty(await ExportedAsync(Xero));
        Assert.True(await Store.RenewClaimAsync(Xero, claim!.Token, Lease));
    }

    [Fact]
    public async Task An_expired_lease_makes_the_batch_uncertain_and_claimable_with_the_same_keys_and_the_late_result_is_refused()
    {
        await QueueAsync(Xero, Candidate(1), Candidate(2));
        var first = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        Assert.Null(await Store.ClaimAsync(Xero, "worker-2", 10, Lease));     // a live lease is never shared

        Time.Advance(Lease + TimeSpan.FromSeconds(1));
        var status = await Store.GetStatusAsync(Xero);
        Assert.Equal((2, 0, 2), (status.Queued, status.InFlight, status.Uncertain));
        var second = await Store.ClaimAsync(Xero, "worker-2", 10, Lease);

        Assert.Equal([1L, 2L], second!.Items.Select(i => i.InvoiceId));
        Each.Of(second.Items, i => Assert.True(i.Uncertain));
        Each.Of(second.Items, i => Assert.Equal(2, i.Deliveries));
        Assert.Equal(first!.Items.Select(i => i.IdempotencyKey), second.Items.Select(i => i.IdempotencyKey));
        var uncertain = Assert.Single(await Store.GetHistoryAsync(1, Xero));
        Assert.Equal(LedgerEventKind.Uncertain, uncertain.Kind);
        Assert.Equal(first.Items[0].IdempotencyKey, uncertain.IdempotencyKey);

        var late = await Store.CompleteClaimAsync(Xero, first.Token, [V(1), V(2)], new ExportNote("late"), TimeSpan.Zero);
        Assert.Equal([1L, 2L], late.Refused.Order());
        Assert.Empty(late.Marked);
        Assert.Empty(await ExportedAsync(Xero));
        Assert.Equal(LedgerEventKind.LateResult, (await Store.GetHistoryAsync(1, Xero))[^1].Kind);
        Assert.False(await Store.RenewClaimAsync(Xero, first.Token, Lease));

        var done = await Store.CompleteClaimAsync(Xero, second.Token, [V(1), V(2)], new ExportNote("done"), TimeSpan.Zero);
        Assert.Equal([1L, 2L], done.Marked.Order());
        Assert.Equal(0, (await Store.GetStatusAsync(Xero)).Uncertain);
    }

    [Fact]
    public async Task An_expired_lease_nobody_took_over_still_completes()
    {
        await QueueAsync(Xero, Candidate(1));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        Time.Advance(Lease * 2);

        var result = await Store.CompleteClaimAsync(Xero, claim!.Token, [V(1)], new ExportNote("slow but alone"), TimeSpan.Zero);

        Assert.Equal([1L], result.Marked);
    }

    [Fact]
    public async Task A_renewed_lease_is_not_taken_over()
    {
        await QueueAsync(Xero, Candidate(1));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        Time.Advance(Lease - TimeSpan.FromSeconds(10));
        Assert.True(await Store.RenewClaimAsync(Xero, claim!.Token, Lease));
        Time.Advance(TimeSpan.FromSeconds(20));

        Assert.Null(await Store.ClaimAsync(Xero, "worker-2", 10, Lease));
        var info = Assert.Single(await Store.GetClaimsAsync(Xero));
        Assert.Equal((claim.Token, "worker-1", 1), (info.Token, info.Owner, info.Items));
        Assert.Equal(Time.GetUtcNow() - TimeSpan.FromSeconds(20) + Lease, info.ExpiresAt);
    }

    [Fact]
    public async Task Expiring_a_dead_owners_claim_makes_it_claimable_at_once_as_uncertain()
    {
        await QueueAsync(Xero, Candidate(1));
        var claim = await Store.ClaimAsync(Xero, "dead-worker", 10, Lease);

        Assert.Equal(1, await Store.ExpireClaimAsync(Xero, claim!.Token));
        var again = await Store.ClaimAsync(Xero, "worker-2", 10, Lease);

        Assert.True(Assert.Single(again!.Items).Uncertain);
        Assert.Equal(0, await Store.ExpireClaimAsync(Xero, claim.Token));
    }

    [Fact]
    public async Task Failing_a_claim_marks_nothing_and_records_the_error()
    {
        await QueueAsync(Xero, Candidate(1), Candidate(2));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);

        var released = await Store.FailClaimAsync(Xero, claim!.Token, "exporter exited with 3: xero said 503", TimeSpan.Zero);

        Assert.Equal([1L, 2L], released);
        Assert.Empty(await ExportedAsync(Xero));
        var status = await Store.GetStatusAsync(Xero);
        Assert.Equal((2, 0, 0, 2), (status.Queued, status.InFlight, status.Uncertain, status.Failed));
        var failed = Assert.Single(await Store.GetHistoryAsync(1, Xero));
        Assert.Equal((LedgerEventKind.Failed, "exporter exited with 3: xero said 503"), (failed.Kind, failed.Note));

        var retry = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        Each.Of(retry!.Items, i => Assert.Equal("exporter exited with 3: xero said 503", i.LastError));
        Each.Of(retry.Items, i => Assert.False(i.Uncertain));
        Assert.Equal(claim.Items.Select(i => i.IdempotencyKey), retry.Items.Select(i => i.IdempotencyKey));
        Assert.Empty(await Store.FailClaimAsync(Xero, claim.Token, "again", TimeSpan.Zero));
    }

    [Fact]
    public async Task A_failed_batch_waits_out_its_retry_delay_while_the_others_go_ahead()
    {
        await QueueAsync(Xero, Candidate(1), Candidate(2), Candidate(3));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 2, Lease);
        await Store.FailClaimAsync(Xero, claim!.Token, "poison", TimeSpan.FromMinutes(1));

        var next = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        Assert.Equal([3L], next!.Items.Select(i => i.InvoiceId));
        Assert.Null(await Store.ClaimAsync(Xero, "worker-1", 10, Lease));
        Assert.Equal(2, (await Store.GetStatusAsync(Xero)).Failed);

        Time.Advance(TimeSpan.FromMinutes(1));
        var retry = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        Assert.Equal([1L, 2L], retry!.Items.Select(i => i.InvoiceId));
        Each.Of(retry.Items, i => Assert.False(i.Uncertain));
    }

    [Fact]
    public async Task A_dead_discoverers_lease_can_be_ended_by_name()
    {
        var ticket = await Store.TryBeginDiscoveryAsync(Xero, "dead-worker", Lease);

        Assert.False(await Store.ExpireDiscoveryAsync(Xero, "someone-else"));
        Assert.True(await Store.ExpireDiscoveryAsync(Xero, "dead-worker"));

        var next = await Store.TryBeginDiscoveryAsync(Xero, "worker-2", Lease);
        Assert.Equal(ticket!.Generation + 1, next!.Generation);
        await Assert.ThrowsAsync<ExportLedgerException>(() => Store.StageAsync(ticket, [Candidate(1)]));
    }

    [Fact]
    public async Task Items_marked_meanwhile_at_the_queued_version_are_not_handed_out()
    {
        await QueueAsync(Xero, Candidate(1, "a"), Candidate(2, "a"));
        await Store.MarkExportedAsync(Xero, [V(1, "a")], new ExportNote("by hand"));
        await Store.MarkExportedAsync(Xero, [V(2, "old")], new ExportNote("by hand, an older version"));

        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);

        Assert.Equal([2L], claim!.Items.Select(i => i.InvoiceId));
    }

    [Fact]
    public async Task An_invoice_that_changes_while_claimed_has_the_delivered_version_marked_and_stays_pending()
    {
        await QueueAsync(Xero, Candidate(1, "a"));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        await QueueAsync(Xero, Candidate(1, "b", PendingReason.Changed));   // discovery saw a newer version meanwhile

        var result = await Store.CompleteClaimAsync(Xero, claim!.Token, [V(1, "a")], new ExportNote("delivered a"), TimeSpan.Zero);

        Assert.Equal([1L], result.Marked);
        Assert.Equal("a", (await ExportedAsync(Xero)).Single().Version);
        var next = await Store.ClaimAsync(Xero, "worker-1", 10, Lease);
        var item = Assert.Single(next!.Items);
        Assert.Equal(("b", PendingReason.Changed, false), (item.Version, item.Reason, item.Uncertain));
    }

    [Fact]
    public async Task Status_counts_exported_queued_in_flight_uncertain_and_failed()
    {
        await Store.MarkExportedAsync(Xero, [V(100), V(101)], new ExportNote("old"));
        await QueueAsync(Xero, Candidate(1), Candidate(2), Candidate(3), Candidate(4));
        var live = await Store.ClaimAsync(Xero, "w1", 1, Lease);                        // 1 in flight
        var dying = await Store.ClaimAsync(Xero, "w2", 1, TimeSpan.FromSeconds(1));     // 2 will be uncertain
        var failing = await Store.ClaimAsync(Xero, "w3", 1, Lease);                     // 3 failed
        await Store.FailClaimAsync(Xero, failing!.Token, "boom", TimeSpan.Zero);
        Time.Advance(TimeSpan.FromSeconds(2));

        var status = await Store.GetStatusAsync(Xero);

        Assert.Equal(Xero, status.System);
        Assert.Equal(2, status.Exported);
        Assert.Equal(1, status.InFlight);
        Assert.Equal(3, status.Queued);      // 2 (expired), 3, 4
        Assert.Equal(1, status.Uncertain);
        Assert.Equal(1, status.Failed);
        Assert.NotNull(status.LastExportedAt);
        Assert.NotNull(status.LastDiscoveryAt);
        Assert.NotNull(live);
        Assert.NotNull(dying);
        var empty = await Store.GetStatusAsync(Datev);
        Assert.Equal((0, 0, 0, 0, 0), (empty.Exported, empty.Queued, empty.InFlight, empty.Uncertain, empty.Failed));
        Assert.Null(empty.LastExportedAt);
    }

    [Fact]
    public async Task Marking_drops_an_unclaimed_queued_item_at_that_version_but_not_one_a_live_claim_holds()
    {
        await QueueAsync(Xero, Candidate(1, "a"), Candidate(2, "a"));
        var claim = await Store.ClaimAsync(Xero, "worker-1", 1, Lease);               // holds 1

        await Store.MarkExportedAsync(Xero, [V(1, "a"), V(2, "a")], new ExportNote("by hand"));

        Assert.Equal(1, (await Store.GetStatusAsync(Xero)).InFlight);
        Assert.Equal(0, (await Store.GetStatusAsync(Xero)).Queued);
        var result = await Store.CompleteClaimAsync(Xero, claim!.Token, [V(1, "a")], new ExportNote("worker"), TimeSpan.Zero);
        Assert.Equal([1L], result.Unchanged);
        Assert.Single(await Store.GetHistoryAsync(1, Xero));
    }

    [Fact]
    public async Task Concurrent_claims_from_several_stores_never_hand_out_an_invoice_twice()
    {
        await QueueAsync(Xero, [.. Enumerable.Range(1, 200).Select(i => Candidate(i))]);
        var stores = new List<IExportLedgerStore> { Store, await SecondStoreAsync(), await SecondStoreAsync(), await SecondStoreAsync() };

        var handed = await Task.WhenAll(stores.Select((store, n) => Task.Run(async () =>
        {
            var mine = new List<long>();
            while (await store.ClaimAsync(Xero, $"worker-{n}", 7, Lease) is { } claim)
            {
                mine.AddRange(claim.Items.Select(i => i.InvoiceId));
                await store.CompleteClaimAsync(Xero, claim.Token, [.. claim.Items.Select(i => new InvoiceVersion(i.InvoiceId, i.Version))], new ExportNote($"w{n}"), TimeSpan.Zero);
            }
            return mine;
        })));

        var all = handed.SelectMany(h => h).ToList();
        Assert.Equal(200, all.Count);
        Assert.Equal(200, all.Distinct().Count());
        Assert.Equal(200, (await Store.GetStatusAsync(Xero)).Exported);
        foreach (var id in Enumerable.Range(1, 200))
        {
            Assert.Equal([LedgerEventKind.Exported], (await Store.GetHistoryAsync(id, Xero)).Select(e => e.Kind));
        }
    }

    [Fact]
    public async Task History_is_per_invoice_oldest_first_across_systems()
    {
        await Store.MarkExportedAsync(Xero, [V(1, "a")], new ExportNote("one"));
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.MarkExportedAsync(Datev, [V(1, "a")], new ExportNote("two"));
        Time.Advance(TimeSpan.FromSeconds(1));
        await Store.ForgetAsync(Xero, [1], "three");
        await Store.MarkExportedAsync(Xero, [V(2, "a")], new ExportNote("other invoice"));

        var all = await Store.GetHistoryAsync(1, null);

        Assert.Equal(["one", "two", "three"], all.Select(e => e.Note));
        Assert.Equal([Xero, Datev, Xero], all.Select(e => e.System));
        Assert.True(all[0].At < all[1].At && all[1].At < all[2].At);
        Assert.True(all[0].Sequence < all[1].Sequence && all[1].Sequence < all[2].Sequence);
        Each.Of(all, e => Assert.Equal(1, e.InvoiceId));
    }
}
