namespace TeamUp.Generated;

/// <summary>What every report row query has: paging, ordering, and how many pages may be fetched at once.</summary>
public abstract class ReportQuery
{
    /// <summary>Rows per request (<c>page_size</c>, default 100).</summary>
    public int PageSize { get; set; } = 100;

    /// <summary>
    /// How many pages may be requested at once once the first page has told the total (default 1: one after the
    /// other). Rows still come in order; never more than this many requests are in flight.
    /// </summary>
    public int MaxConcurrency { get; set; } = 1;

    /// <summary>Ordering: column keys, <c>-</c> for descending (<c>sort</c>).</summary>
    public IEnumerable<string>? Sort { get; set; }

    /// <summary>Only rows whose id is greater than this (<c>id_gt</c>), for resuming.</summary>
    public int? IdGt { get; set; }

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

/// <summary>The filters of the invoices reports (plain and grouped).</summary>
public abstract class InvoicesReportFilters : ReportQuery
{
    /// <summary><c>confirmed_at_gte</c>.</summary>
    public DateTimeOffset? ConfirmedAtGte { get; set; }
    /// <summary><c>confirmed_at_lte</c>.</summary>
    public DateTimeOffset? ConfirmedAtLte { get; set; }
    /// <summary><c>credit_applied</c>.</summary>
    public bool? CreditApplied { get; set; }
    /// <summary><c>customer_memberships</c>.</summary>
    public IEnumerable<int>? CustomerMemberships { get; set; }
    /// <summary><c>customers</c>.</summary>
    public IEnumerable<int>? Customers { get; set; }
    /// <summary><c>discount_applied</c>.</summary>
    public bool? DiscountApplied { get; set; }
    /// <summary><c>due_date_gte</c>.</summary>
    public DateOnly? DueDateGte { get; set; }
    /// <summary><c>due_date_lte</c>.</summary>
    public DateOnly? DueDateLte { get; set; }
    /// <summary><c>due_date_timeframe</c>.</summary>
    public string? DueDateTimeframe { get; set; }
    /// <summary><c>paid_at_gte</c>.</summary>
    public DateTimeOffset? PaidAtGte { get; set; }
    /// <summary><c>paid_at_lte</c>.</summary>
    public DateTimeOffset? PaidAtLte { get; set; }
    /// <summary><c>paid_at_timeframe</c>.</summary>
    public string? PaidAtTimeframe { get; set; }
    /// <summary><c>payment_processors</c>.</summary>
    public IEnumerable<int>? PaymentProcessors { get; set; }
    /// <summary><c>purchase_types</c>.</summary>
    public IEnumerable<PurchaseType>? PurchaseTypes { get; set; }
    /// <summary><c>status</c>.</summary>
    public ReportInvoiceStatus? Status { get; set; }
    /// <summary><c>updated_at_gte</c>.</summary>
    public DateTimeOffset? UpdatedAtGte { get; set; }
    /// <summary><c>updated_at_lte</c>.</summary>
    public DateTimeOffset? UpdatedAtLte { get; set; }
}

/// <summary>The filters of the invoice line items reports (plain and grouped).</summary>
public abstract class InvoiceLineItemsReportFilters : ReportQuery
{
    /// <summary><c>invoice_confirmed_at_gte</c>.</summary>
    public DateTimeOffset? InvoiceConfirmedAtGte { get; set; }
    /// <summary><c>invoice_confirmed_at_lte</c>.</summary>
    public DateTimeOffset? InvoiceConfirmedAtLte { get; set; }
    /// <summary><c>invoice_due_date_gte</c>.</summary>
    public DateOnly? InvoiceDueDateGte { get; set; }
    /// <summary><c>invoice_due_date_lte</c>.</summary>
    public DateOnly? InvoiceDueDateLte { get; set; }
    /// <summary><c>invoice_paid_at_gte</c>.</summary>
    public DateTimeOffset? InvoicePaidAtGte { get; set; }
    /// <summary><c>invoice_paid_at_lte</c>.</summary>
    public DateTimeOffset? InvoicePaidAtLte { get; set; }
    /// <summary><c>invoice_status</c>.</summary>
    public ReportInvoiceStatus? InvoiceStatus { get; set; }
    /// <summary><c>invoice_updated_at_gte</c>.</summary>
    public DateTimeOffset? InvoiceUpdatedAtGte { get; set; }
    /// <summary><c>invoice_updated_at_lte</c>.</summary>
    public DateTimeOffset? InvoiceUpdatedAtLte { get; set; }
}

/// <summary>A query of the invoices report (<c>GET /reports/invoices</c>).</summary>
public sealed class InvoicesReportQuery : InvoicesReportFilters
{
    /// <summary>The columns (<c>columns</c>); the server's default set when null.</summary>
    public IEnumerable<InvoicesReportColumn>? Columns { get; set; }
}

/// <summary>A query of the grouped invoices report (<c>GET /reports/invoices.grouped</c>).</summary>
public sealed class InvoicesGroupedReportQuery : InvoicesReportFilters
{
    /// <summary>The columns to group by and total (<c>columns</c>, required).</summary>
    public IEnumerable<InvoicesGroupedReportColumn> Columns { get; set; } = [];
}

/// <summary>A query of the invoice line items report (<c>GET /reports/invoice_line_items</c>).</summary>
public sealed class InvoiceLineItemsReportQuery : InvoiceLineItemsReportFilters
{
    /// <summary>The columns (<c>columns</c>); the server's default set when null.</summary>
    public IEnumerable<InvoiceLineItemsReportColumn>? Columns { get; set; }
}

/// <summary>A query of the grouped invoice line items report (<c>GET /reports/invoice_line_items.grouped</c>).</summary>
public sealed class InvoiceLineItemsGroupedReportQuery : InvoiceLineItemsReportFilters
{
    /// <summary>The columns (<c>columns</c>); the server's default set when null.</summary>
    public IEnumerable<InvoiceLineItemsGroupedReportColumn>? Columns { get; set; }
}
