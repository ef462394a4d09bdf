using TeamUp.Generated;
using TeamUp.Sandbox;

namespace TeamUp.Ledger.Tests.Tracker;

/// <summary>
/// Listing reads one page ahead: the next page is requested while the caller still works on the current one, so a
/// discovery takes as long as its requests rather than requests plus processing.
/// </summary>
public sealed class ReadAheadTests
{
    private static async IAsyncEnumerable<int> Numbers(int count, Action<int>? produced = null, Exception? failAt = null)
    {
        for (var i = 0; i < count; i++)
        {
            await Task.Yield();
            produced?.Invoke(i);
            yield return i;
        }
        if (failAt is not null) throw failAt;
    }

    [Fact]
    public async Task The_source_runs_ahead_of_a_caller_that_has_not_asked_yet()
    {
        var produced = new List<int>();
        var threeProduced = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        await using var items = ExportTracker.ReadAheadAsync(Numbers(10, i => { lock (produced) produced.Add(i); if (i == 3) threeProduced.TrySetResult(); }), 3)
            .GetAsyncEnumerator();

        Assert.True(await items.MoveNextAsync());
        Assert.Equal(0, items.Current);
        // The caller holds item 0; the reader has meanwhile taken 1, 2, 3 (3 buffered) without being asked.
        await threeProduced.Task.WaitAsync(TimeSpan.FromSeconds(10));
        await Task.Delay(100);
        lock (produced) Assert.Equal([0, 1, 2, 3, 4], produced);   // 3 in the buffer and one waiting to be written: no further
        var rest = new List<int>();
        while (await items.MoveNextAsync()) rest.Add(items.Current);
        Assert.Equal(Enumerable.Range(1, 9), rest);
    }

    [Fact]
    public async Task The_sources_error_reaches_the_caller_after_every_item_before_it()
    {
        var seen = new List<int>();
        var e = await Assert.ThrowsAsync<InvalidOperationException>(async () =>
        {
            await foreach (var i in ExportTracker.ReadAheadAsync(Numbers(5, failAt: new InvalidOperationException("page 2 failed")), 2)) seen.Add(i);
        });
        Assert.Equal("page 2 failed", e.Message);
        Assert.Equal([0, 1, 2, 3, 4], seen);
    }

    [Fact]
    public async Task A_caller_that_stops_early_stops_the_reader()
    {
        var produced = 0;
        await foreach (var i in ExportTracker.ReadAheadAsync(Numbers(1_000_000, _ => Interlocked.Increment(ref produced)), 4))
        {
            if (i == 2) break;
        }
        var after = Volatile.Read(ref produced);
        await Task.Delay(200);
        Assert.Equal(after, Volatile.Read(ref produced));   // the reader was cancelled and awaited when the loop ended
        Assert.True(after <= 2 + 1 + 4 + 1, $"{after} read");
    }

    [Fact]
    public async Task Pending_asks_for_the_next_page_before_the_caller_has_finished_the_first()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Customers = 20, Invoices = 300 });
        var counting = new CountingHandler { InnerHandler = new SocketsHttpHandler() };
        using var client = new TeamUpClient(new TeamUpClientOptions { BaseUrl = sandbox.BaseUrl, ApiKey = sandbox.Token }, counting);
        using var folder = new TempFolder();
        await using var store = new TeamUp.Ledger.Sqlite.SqliteExportLedgerStore(Path.Combine(folder.Path, "ledger.db"));
        var tracker = new ExportTracker(client, store);

        await using var pending = tracker.GetPendingAsync("xero", new PendingInvoiceOptions { IncludeDrafts = true, PageSize = 20 }).GetAsyncEnumerator();
        Assert.True(await pending.MoveNextAsync());
        // Still on the first invoice of page 1: page 2 is requested without the caller asking for it.
        await counting.Second.Task.WaitAsync(TimeSpan.FromSeconds(10));
        var count = 1;
        while (await pending.MoveNextAsync()) count++;
        Assert.Equal(sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Count, count);
    }

    private sealed class CountingHandler : DelegatingHandler
    {
        private int _requests;
        public TaskCompletionSource Second { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        protected override Task<HttpResponseMessage> SendAsync(HttpRequestMessage request, CancellationToken cancellationToken)
        {
            if (request.RequestUri!.AbsolutePath.EndsWith("/invoices", StringComparison.Ordinal) && Interlocked.Increment(ref _requests) == 2) Second.TrySetResult();
            return base.SendAsync(request, cancellationToken);
        }
    }
}
