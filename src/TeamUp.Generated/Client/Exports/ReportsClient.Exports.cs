namespace TeamUp.Generated;

public partial interface IReportsClient
{
    /// <summary>Starts an export of the invoices report and returns at once with its <see cref="ExportJob"/>.</summary>
    /// <param name="request">Columns, filters and format (the body's <c>format</c>; CSV when null).</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ExportJob> StartInvoicesExportAsync(InvoicesReportExportRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts an export of the grouped invoices report (at least one column) and returns at once with its <see cref="ExportJob"/>.</summary>
    /// <param name="request">Columns, filters and format.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ExportJob> StartInvoicesGroupedExportAsync(InvoicesGroupedReportExportRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts an export of the invoice line items report and returns at once with its <see cref="ExportJob"/>.</summary>
    /// <param name="request">Columns, filters and format.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ExportJob> StartInvoiceLineItemsExportAsync(InvoiceLineItemsReportExportRequest request, CancellationToken cancellationToken = default);

    /// <summary>Starts an export of the grouped invoice line items report and returns at once with its <see cref="ExportJob"/>.</summary>
    /// <param name="request">Columns, filters and format.</param>
    /// <param name="cancellationToken">Cancels the call.</param>
    Task<ExportJob> StartInvoiceLineItemsGroupedExportAsync(InvoiceLineItemsGroupedReportExportRequest request, CancellationToken cancellationToken = default);
}

public partial class ReportsClient
{
    /// <inheritdoc />
    public virtual async Task<ExportJob> StartInvoicesExportAsync(InvoicesReportExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asked = Context.Options.TimeProvider.GetUtcNow();
        var created = await ExportInvoicesAsync(null, request, cancellationToken).ConfigureAwait(false);
        return Handle(created, request.Format, asked);
    }

    /// <inheritdoc />
    public virtual async Task<ExportJob> StartInvoicesGroupedExportAsync(InvoicesGroupedReportExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asked = Context.Options.TimeProvider.GetUtcNow();
        var created = await ExportInvoicesGroupedAsync(request, null, cancellationToken).ConfigureAwait(false);
        return Handle(created, request.Format, asked);
    }

    /// <inheritdoc />
    public virtual async Task<ExportJob> StartInvoiceLineItemsExportAsync(InvoiceLineItemsReportExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asked = Context.Options.TimeProvider.GetUtcNow();
        var created = await ExportInvoiceLineItemsAsync(null, request, cancellationToken).ConfigureAwait(false);
        return Handle(created, request.Format, asked);
    }

    /// <inheritdoc />
    public virtual async Task<ExportJob> StartInvoiceLineItemsGroupedExportAsync(InvoiceLineItemsGroupedReportExportRequest request, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(request);
        var asked = Context.Options.TimeProvider.GetUtcNow();
        var created = await ExportInvoiceLineItemsGroupedAsync(null, request, cancellationToken).ConfigureAwait(false);
        return Handle(created, request.Format, asked);
    }

    // The job is created while the POST is handled, so the moment before sending it is a safe start for measuring its pace.
    private ExportJob Handle(ExportJobCreated created, ReportFormat? format, DateTimeOffset asked) =>
        new(created.Job, format, new JobsClient(_httpClient) { BaseUrl = BaseUrl, Context = Context }, Context, asked);
}
