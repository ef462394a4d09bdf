using System.Runtime.CompilerServices;

namespace TeamUp.Generated;

/// <summary>Reads a report page by page (<c>page</c>/<c>page_size</c>), using <c>total</c> to know when to stop and, when
/// allowed, to fetch up to <see cref="ReportQuery.MaxConcurrency"/> pages at once while yielding rows in order.</summary>
internal static class ReportPager
{
    public static async IAsyncEnumerable<TRow> ReadAsync<TRow>(ReportQuery query,
        Func<int, CancellationToken, Task<(int? Total, IReadOnlyList<TRow>? Rows)>> fetch,
        [EnumeratorCancellation] CancellationToken cancellationToken)
    {
        query.Check();
        var first = await fetch(1, cancellationToken).ConfigureAwait(false);
        if (first.Rows is not { Count: > 0 })
        {
            yield break;
        }
        if (first.Total is not { } total)
        {
            // No total: keep going while pages are full.
            foreach (var row in first.Rows)
            {
                yield return row;
            }
            var last = first;
            for (var page = 2; last.Rows is { } rows && rows.Count >= query.PageSize; page++)
            {
                cancellationToken.ThrowIfCancellationRequested();
                last = await fetch(page, cancellationToken).ConfigureAwait(false);
                foreach (var row in last.Rows ?? [])
                {
                    yield return row;
                }
            }
            yield break;
        }

        var pages = (int)Math.Min(int.MaxValue, ((long)total + query.PageSize - 1) / query.PageSize);
        using var stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        var window = new Queue<Task<(int? Total, IReadOnlyList<TRow>? Rows)>>();
        var nextPage = 2;
        try
        {
            // The next pages are requested while the caller reads this one; never more than MaxConcurrency at once.
            while (nextPage <= pages && window.Count < query.MaxConcurrency)
            {
                window.Enqueue(fetch(nextPage++, stop.Token));
            }
            foreach (var row in first.Rows)
            {
                yield return row;
            }
            while (window.Count > 0)
            {
                cancellationToken.ThrowIfCancellationRequested();
                var result = await window.Dequeue().ConfigureAwait(false);
                if (result.Rows is not { Count: > 0 })
                {
                    yield break; // the report shrank while it was read
                }
                if (nextPage <= pages)
                {
                    window.Enqueue(fetch(nextPage++, stop.Token));
                }
                foreach (var row in result.Rows)
                {
                    yield return row;
                }
            }
        }
        finally
        {
            // Pages fetched ahead but not consumed (early exit, failure, cancellation): stop them and observe them.
            await stop.CancelAsync().ConfigureAwait(false);
            foreach (var pending in window)
            {
                try
                {
                    await pending.ConfigureAwait(false);
                }
                catch (Exception)
                {
                    // Already ended; its failure is not the caller's concern.
                }
            }
        }
    }
}
