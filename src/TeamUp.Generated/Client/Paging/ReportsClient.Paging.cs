namespace TeamUp.Generated;

/// <remarks>Invoice and invoice line item reports: data pages, all rows, and export jobs (<c>/reports</c>).</remarks>
public partial interface IReportsClient
{
    /// <summary>Every row of the invoices report, page by page (<c>format=json</c>).</summary>
    /// <param name="query">Columns, filters, page size and concurrency.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<InvoicesReportRow> GetInvoicesRowsAsync(InvoicesReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every row of the grouped invoices report, page by page.</summary>
    /// <param name="query">Columns (required), filters, page size and concurrency.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<InvoicesGroupedReportRow> GetInvoicesGroupedRowsAsync(InvoicesGroupedReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every row of the invoice line items report, page by page.</summary>
    /// <param name="query">Columns, filters, page size and concurrency.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<InvoiceLineItemsReportRow> GetInvoiceLineItemsRowsAsync(InvoiceLineItemsReportQuery query, CancellationToken cancellationToken = default);

    /// <summary>Every row of the grouped invoice line items report, page by page.</summary>
    /// <param name="query">Columns, filters, page size and concurrency.</param>
    /// <param name="cancellationToken">Stops the enumeration.</param>
    IAsyncEnumerable<InvoiceLineItemsGroupedReportRow> GetInvoiceLineItemsGroupedRowsAsync(InvoiceLineItemsGroupedReportQuery query, CancellationToken cancellationToken = default);
}

public partial class ReportsClient
{
    /// <inheritdoc />
    public virtual IAsyncEnumerable<InvoicesReportRow> GetInvoicesRowsAsync(InvoicesReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReportPager.ReadAsync(query, async (page, ct) =>
        {
            var report = await GetInvoicesDataAsync(columns: query.Columns, confirmedAtGte: query.ConfirmedAtGte, confirmedAtLte: query.ConfirmedAtLte,
                creditApplied: query.CreditApplied, customerMemberships: query.CustomerMemberships, customers: query.Customers,
                discountApplied: query.DiscountApplied, dueDateGte: query.DueDateGte, dueDateLte: query.DueDateLte,
                dueDateTimeframe: query.DueDateTimeframe, format: ReportFormat.Json, idGt: query.IdGt, page: page, pageSize: query.PageSize,
                paidAtGte: query.PaidAtGte, paidAtLte: query.PaidAtLte, paidAtTimeframe: query.PaidAtTimeframe,
                paymentProcessors: query.PaymentProcessors, purchaseTypes: query.PurchaseTypes, sort: query.Sort, status: query.Status,
                updatedAtGte: query.UpdatedAtGte, updatedAtLte: query.UpdatedAtLte, cancellationToken: ct).ConfigureAwait(false);
            return (report.Total, report.Rows);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public virtual IAsyncEnumerable<InvoicesGroupedReportRow> GetInvoicesGroupedRowsAsync(InvoicesGroupedReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReportPager.ReadAsync(query, async (page, ct) =>
        {
            var report = await GetInvoicesGroupedDataAsync(columns: query.Columns, confirmedAtGte: query.ConfirmedAtGte, confirmedAtLte: query.ConfirmedAtLte,
                creditApplied: query.CreditApplied, customerMemberships: query.CustomerMemberships, customers: query.Customers,
                discountApplied: query.DiscountApplied, dueDateGte: query.DueDateGte, dueDateLte: query.DueDateLte,
                dueDateTimeframe: query.DueDateTimeframe, format: ReportFormat.Json, idGt: query.IdGt, page: page, pageSize: query.PageSize,
                paidAtGte: query.PaidAtGte, paidAtLte: query.PaidAtLte, paidAtTimeframe: query.PaidAtTimeframe,
                paymentProcessors: query.PaymentProcessors, purchaseTypes: query.PurchaseTypes, sort: query.Sort, status: query.Status,
                updatedAtGte: query.UpdatedAtGte, updatedAtLte: query.UpdatedAtLte, cancellationToken: ct).ConfigureAwait(false);
            return (report.Total, report.Rows);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public virtual IAsyncEnumerable<InvoiceLineItemsReportRow> GetInvoiceLineItemsRowsAsync(InvoiceLineItemsReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReportPager.ReadAsync(query, async (page, ct) =>
        {
            var report = await GetInvoiceLineItemsDataAsync(columns: query.Columns, format: ReportFormat.Json, idGt: query.IdGt,
                invoiceConfirmedAtGte: query.InvoiceConfirmedAtGte, invoiceConfirmedAtLte: query.InvoiceConfirmedAtLte,
                invoiceDueDateGte: query.InvoiceDueDateGte, invoiceDueDateLte: query.InvoiceDueDateLte,
                invoicePaidAtGte: query.InvoicePaidAtGte, invoicePaidAtLte: query.InvoicePaidAtLte, invoiceStatus: query.InvoiceStatus,
                invoiceUpdatedAtGte: query.InvoiceUpdatedAtGte, invoiceUpdatedAtLte: query.InvoiceUpdatedAtLte,
                page: page, pageSize: query.PageSize, sort: query.Sort, cancellationToken: ct).ConfigureAwait(false);
            return (report.Total, report.Rows);
        }, cancellationToken);
    }

    /// <inheritdoc />
    public virtual IAsyncEnumerable<InvoiceLineItemsGroupedReportRow> GetInvoiceLineItemsGroupedRowsAsync(InvoiceLineItemsGroupedReportQuery query, CancellationToken cancellationToken = default)
    {
        ArgumentNullException.ThrowIfNull(query);
        return ReportPager.ReadAsync(query, async (page, ct) =>
        {
            var report = await GetInvoiceLineItemsGroupedDataAsync(columns: query.Columns, format: ReportFormat.Json, idGt: query.IdGt,
                invoiceConfirmedAtGte: query.InvoiceConfirmedAtGte, invoiceConfirmedAtLte: query.InvoiceConfirmedAtLte,
                invoiceDueDateGte: query.InvoiceDueDateGte, invoiceDueDateLte: query.InvoiceDueDateLte,
                invoicePaidAtGte: query.InvoicePaidAtGte, invoicePaidAtLte: query.InvoicePaidAtLte, invoiceStatus: query.InvoiceStatus,
                invoiceUpdatedAtGte: query.InvoiceUpdatedAtGte, invoiceUpdatedAtLte: query.InvoiceUpdatedAtLte,
                page: page, pageSize: query.PageSize, sort: query.Sort, cancellationToken: ct).ConfigureAwait(false);
            return (report.Total, report.Rows);
        }, cancellationToken);
    }
}
