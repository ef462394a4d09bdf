namespace TeamUp.Generated;

/// <summary>
/// One report as the spec describes it: its name, columns, the fields of its row query and of its export request
/// (filters with their types), and how to read its rows or start its export. The instances are generated from the
/// operations marked <c>x-teamup-report</c> (see <see cref="ReportsClient.Definitions"/>), so a column or filter added
/// to the spec appears here after the next build; tools such as the <c>teamup</c> CLI read them instead of hard-coding.
/// </summary>
public abstract class ReportDefinition
{
    private static readonly HashSet<string> NotFilters = new(StringComparer.Ordinal) { "columns", "sort", "format" };

    private protected ReportDefinition()
    {
    }

    /// <summary>The report's name, e.g. <c>invoices</c> or <c>invoice-line-items</c> (the same for its grouped variant).</summary>
    public abstract string Name { get; }

    /// <summary>Whether this is the grouped variant (rows aggregated by the selected columns).</summary>
    public abstract bool Grouped { get; }

    /// <summary><see cref="Name"/>, with <c>(grouped)</c> for the grouped variant.</summary>
    public string Title => Grouped ? $"{Name} (grouped)" : Name;

    /// <summary>The operationId of the data operation, e.g. <c>Reports_GetInvoicesData</c>.</summary>
    public abstract string DataOperation { get; }

    /// <summary>The data operation's path relative to the API root, e.g. <c>reports/invoices/data</c>.</summary>
    public abstract string DataPath { get; }

    /// <summary>The operationId of the export operation, or null when the report has none.</summary>
    public virtual string? ExportOperation => null;

    /// <summary>The column keys the spec lists, in its order (TeamUp may know more).</summary>
    public virtual IReadOnlyList<string> Columns { get; } = [];

    /// <summary>The keys <c>sort</c> accepts: the column keys, each optionally prefixed with <c>-</c> for descending.</summary>
    public IReadOnlyList<string> SortKeys => Columns;

    /// <summary>Every field of the row query (<see cref="CreateQuery"/>): columns, order and filters.</summary>
    public abstract IReadOnlyList<ReportField> QueryFields { get; }

    /// <summary>Every field of the export request (<see cref="CreateExportRequest"/>): columns, order, format and filters.</summary>
    public virtual IReadOnlyList<ReportField> ExportFields { get; } = [];

    /// <summary>The filters of the row query: <see cref="QueryFields"/> without columns and order.</summary>
    public IEnumerable<ReportField> QueryFilters => QueryFields.Where(f => !NotFilters.Contains(f.Key));

    /// <summary>The filters of the export request: <see cref="ExportFields"/> without columns, order and format.</summary>
    public IEnumerable<ReportField> ExportFilters => ExportFields.Where(f => !NotFilters.Contains(f.Key));

    /// <summary>A new, empty row query of this report's own type (e.g. <see cref="InvoicesReportQuery"/>).</summary>
    public abstract ReportQuery CreateQuery();

    /// <summary>Every row of the report for <paramref name="query"/> (made by <see cref="CreateQuery"/>), page by page.</summary>
    /// <param name="reports">The client to read through.</param>
    /// <param name="query">The query, of this report's type.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    public abstract IAsyncEnumerable<object> ReadRowsAsync(IReportsClient reports, ReportQuery query, CancellationToken cancellationToken);

    /// <summary>A new, empty export request of this report's own type (e.g. <see cref="InvoicesReportExportRequest"/>).</summary>
    /// <exception cref="NotSupportedException">The report has no export operation.</exception>
    public virtual object CreateExportRequest() => throw new NotSupportedException($"The {Title} report has no export operation.");

    /// <summary>Starts the export (one POST) for <paramref name="request"/> (made by <see cref="CreateExportRequest"/>).</summary>
    /// <param name="reports">The client to start it through.</param>
    /// <param name="request">The export request, of this report's type.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    /// <exception cref="NotSupportedException">The report has no export operation.</exception>
    public virtual Task<ExportJob> StartExportAsync(IReportsClient reports, object request, CancellationToken cancellationToken) =>
        throw new NotSupportedException($"The {Title} report has no export operation.");

    /// <inheritdoc />
    public override string ToString() => Title;
}
