namespace TeamUp.Generated;

/// <summary>
/// What every report row query has besides its columns, filters and order: the page size and how many pages may be
/// fetched at once. The queries themselves (<see cref="InvoicesReportQuery"/> and the others) are generated from the
/// report operations' parameters, so a filter added to the spec is a property after the next build.
/// </summary>
public abstract class ReportQuery
{
    /// <summary>Rows per request (<c>page_size</c>, default 100).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// How many pages may be requested at once once the first page has told the total (default 1: one after the
    /// other). Rows still come in order; never more than this many requests are in flight.
    /// </summary>
    public int MaxConcurrency { get; set; } = 1;

    internal void Check()
    {
        if (PageSize < 1)
        {
            throw new ArgumentOutOfRangeException(nameof(PageSize), PageSize, "PageSize must be at least 1.");
        }
        if (MaxConcurrency is < 1 or > 16)
        {
            throw new ArgumentOutOfRangeException(nameof(MaxConcurrency), MaxConcurrency, "MaxConcurrency must be between 1 and 16.");
        }
    }
}
