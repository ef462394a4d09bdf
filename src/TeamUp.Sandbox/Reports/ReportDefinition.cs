namespace TeamUp.Sandbox;

/// <summary>One of the four reports: its columns, its row source and its filters.</summary>
internal sealed record ReportDefinition(string Name, ReportColumn[] Columns, bool Grouped, bool LineItems, string[] DefaultColumns)
{
    public static readonly ReportDefinition Invoices = new("invoices", ReportColumns.Invoices, false, false,
        ["id", "number", "due_date", "status", "customer.id", "customer.name", "total_amount"]);

    public static readonly ReportDefinition InvoicesGrouped = new("invoices.grouped", ReportColumns.InvoicesGrouped, true, false, []);

    public static readonly ReportDefinition InvoiceLineItems = new("invoice_line_items", ReportColumns.LineItems, false, true,
        ["id", "invoice.id", "type", "description", "amount"]);

    public static readonly ReportDefinition InvoiceLineItemsGrouped = new("invoice_line_items.grouped", ReportColumns.LineItemsGrouped, true, true,
        ["type", "total_amount"]);

    public static readonly ReportDefinition[] All = [Invoices, InvoicesGrouped, InvoiceLineItems, InvoiceLineItemsGrouped];

    /// <summary>The docs make <c>columns</c> required only for the grouped invoices report.</summary>
    public bool ColumnsRequired => DefaultColumns.Length == 0;

    public ReportColumn? Find(string name) => Columns.FirstOrDefault(c => c.Names.Contains(name, StringComparer.Ordinal));

    /// <summary>Drafts are not in reports: the report status enum has no <c>draft</c>.</summary>
    public IEnumerable<ReportRow> Source(SandboxDataset data, SandboxProvider provider)
    {
        foreach (var invoice in data.InvoicesFor(provider.Id))
        {
            if (invoice.Status == "draft") continue;
            var customer = data.Customer(invoice.CustomerId);
            if (!LineItems)
            {
                yield return new ReportRow(invoice, null, customer, provider);
                continue;
            }

            foreach (var line in invoice.LineItems) yield return new ReportRow(invoice, line, customer, provider);
        }
    }

    public Func<ReportRow, bool> Filter(ParamBag parameters, DateOnly today) =>
        LineItems ? ReportFilters.ForLineItems(parameters, today) : ReportFilters.ForInvoices(parameters, today);
}
