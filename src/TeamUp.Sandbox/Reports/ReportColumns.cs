using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>The documented columns of the four reports.</summary>
internal static class ReportColumns
{
    private static JsonNode? Date(DateOnly? d) => d is { } v ? SandboxJson.Date(v) : null;
    private static JsonNode? Time(DateTimeOffset? d) => d is { } v ? SandboxJson.DateTime(v) : null;

    private static ReportColumn[] CustomerColumns(bool withVenue) =>
    [
        new("customer.id", "Customer ID", r => r.Customer.Id) { Aliases = ["customer_id", "customer"], HoldsCustomerId = true },
        new("customer.name", "Customer Name", r => r.Customer.Name) { Aliases = ["customer_name"] },
        new("customer.email", "Customer Email", r => r.Customer.Email) { Aliases = ["customer_email"] },
        .. withVenue
            ? new ReportColumn[]
            {
                new("customer.venue.id", "Customer Venue ID", r => r.Customer.Venue.Id) { Aliases = ["customer_venue_id", "customer.venue"] },
                new("customer.venue.name", "Customer Venue", r => r.Customer.Venue.Name) { Aliases = ["customer_venue_name"] },
            }
            : [],
    ];

    public static readonly ReportColumn[] Invoices =
    [
        new("id", "ID", r => r.Invoice.Id) { Required = true },
        new("due_date", "Due Date", r => Date(r.Invoice.DueDate)),
        new("confirmed_at", "Confirmed At", r => Time(r.Invoice.ConfirmedAt)),
        new("paid_at", "Paid At", r => Time(r.Invoice.PaidAt)),
        new("status", "Status", r => ReportRow.ReportStatus(r.Invoice.Status)),
        new("is_credit_note", "Is Credit Note", r => r.Invoice.IsCreditNote),
        new("refunded_invoice.id", "Refunded Invoice ID", r => r.Invoice.RefundedInvoiceId) { Aliases = ["refunded_invoice_id", "refunded_invoice"] },
        new("number", "Number", r => r.Invoice.Number),
        .. CustomerColumns(withVenue: true),
        new("total_amount", "Total", r => r.Money(r.Invoice.TotalAmount)),
        new("subtotal_amount", "Subtotal", r => r.Money(r.Invoice.SubtotalAmount)),
        new("discount_amount", "Discount", r => r.Money(r.Invoice.DiscountAmount)),
        new("tax_amount", "Tax", r => r.Money(r.Invoice.TaxAmount)),
        new("credit_amount", "Credit", r => r.Money(r.Invoice.CreditAmount)),
        new("adjustment_amount", "Adjustment", r => r.Money(r.Invoice.AdjustmentAmount)),
        new("expected_payment_amount", "Expected Payment", r => r.Money(r.Invoice.TotalAmountDue)),
        new("refund_amount", "Refunded", r => r.Money(r.Invoice.RefundAmount)),
        new("refund_date", "Refund Date", r => Date(r.Invoice.RefundDate)),
        new("discount_code.name", "Discount Code Name", r => r.DiscountCode?.Name) { Aliases = ["discount_code_name"] },
        new("discount_code.code", "Discount Code", r => r.DiscountCode?.Code) { Aliases = ["discount_code"] },
        new("payment_processor", "Payment Processor", r => r.PaymentProcessor?.Name),
        new("purchase_type", "Purchase Type", r => r.Invoice.PurchaseType),
        new("purchase_items", "Purchase Items", r => string.Join("; ", r.Invoice.LineItems.Select(l => l.Description))) { Sortable = false },
        new("payout", "Payout", r => r.Invoice.Payout),
        new("applied_credits", "Applied Credits", r => new JsonArray([.. r.Invoice.AppliedCredits.Select(c => (JsonNode)new JsonObject
        {
            ["amount"] = new JsonObject { ["decimal"] = Fixed(c.Amount) },
        })])) { Sortable = false },
        new("charges", "Charges", r => new JsonArray([.. r.Invoice.Charges.Select(c => (JsonNode)new JsonObject
        {
            ["created_at"] = SandboxJson.DateTime(c.CreatedAt),
            ["amount"] = new JsonObject { ["decimal"] = Fixed(c.Amount), ["currency"] = r.Provider.Currency.IsoCode },
            ["confirmed_at"] = Time(c.ConfirmedAt),
        })])) { Sortable = false },
        new("updated_at", "Updated At", r => Time(r.Invoice.UpdatedAt)),
        new("legacy_mapping", "Legacy Mapping", r => new JsonObject { ["legacy_invoice_key"] = r.Invoice.LegacyInvoiceKey }) { Sortable = false },
    ];

    /// <summary>The report's charge and credit amounts carry the decimal as a string ("45.00"), as documented.</summary>
    private static string Fixed(decimal amount) => amount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture);

    public static readonly ReportColumn[] InvoicesGrouped =
    [
        new("status", "Status", r => ReportRow.ReportStatus(r.Invoice.Status)),
        .. CustomerColumns(withVenue: false),
        new("purchase_type", "Purchase Type", r => r.Invoice.PurchaseType),
        new("payment_processor", "Payment Processor", r => r.PaymentProcessor?.Name),
        new("due_date_month", "Due Date Month", r => r.Invoice.DueDate.Month.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("due_date_year", "Due Date Year", r => r.Invoice.DueDate.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("payment_month", "Payment Month", r => r.Invoice.PaidAt?.UtcDateTime.Month),
        new("payment_year", "Payment Year", r => r.Invoice.PaidAt?.UtcDateTime.Year),
        new("payout_month", "Payout Month", r => r.Invoice.PayoutDate?.Month.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("payout_year", "Payout Year", r => r.Invoice.PayoutDate?.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)),
        new("purchased_item", "Purchased Item", r => new JsonObject
        {
            ["type"] = r.Invoice.LineItems[0].BilledItem.Type,
            ["name"] = r.Invoice.LineItems[0].BilledItem.Name,
        }),
        new("purchase_fee_type", "Purchase Fee Type", r =>
            r.Invoice.Taxes.Count == 0 ? null : r.Provider.PurchaseFees.First(f => f.Id == r.Invoice.Taxes[0].PurchaseFeeId).Type),
        new("count", "Count", _ => null) { Aggregate = (rows, _) => rows.Count },
    ];

    public static readonly ReportColumn[] LineItems =
    [
        new("id", "ID", r => r.Item.Id) { Required = true },
        new("invoice.id", "Invoice ID", r => r.Invoice.Id) { Aliases = ["invoice_id", "invoice"] },
        new("invoice.due_date", "Due Date", r => Date(r.Invoice.DueDate)) { Aliases = ["due_date"] },
        new("invoice.number", "Invoice Number", r => r.Invoice.Number) { Aliases = ["invoice_number"] },
        new("invoice.confirmed_at", "Invoice Confirmed At", r => Time(r.Invoice.ConfirmedAt)) { Aliases = ["invoice_confirmed_at"] },
        new("invoice.paid_at", "Paid At", r => Time(r.Invoice.PaidAt)) { Aliases = ["paid_at"] },
        new("invoice.updated_at", "Invoice Updated At", r => Time(r.Invoice.UpdatedAt)) { Aliases = ["invoice_updated_at"] },
        new("invoice.status", "Invoice Status", r => ReportRow.ReportStatus(r.Invoice.Status)) { Aliases = ["invoice_status"] },
        new("invoice.is_credit_note", "Is Credit Note", r => r.Invoice.IsCreditNote) { Aliases = ["invoice_is_credit_note"] },
        new("invoice.discount_code.name", "Discount Code Name", r => r.DiscountCode?.Name) { Aliases = ["discount_code_name"] },
        new("invoice.discount_code.code", "Discount Code", r => r.DiscountCode?.Code) { Aliases = ["invoice.discount_code", "discount_code"] },
        .. CustomerColumns(withVenue: true),
        new("amount", "Amount", r => r.Money(r.Item.Price)),
        new("type", "Type", r => ReportRow.LineReportType(r.Item.Type)),
        new("billed_item", "Billed Item", r => new JsonObject
        {
            ["object"] = ReportRow.BilledObject(r.Item.BilledItem.Type),
            ["id"] = r.Item.BilledItem.Id,
        }) { Sortable = false },
        new("description", "Description", r => r.Item.Description),
        new("tax_amount", "Tax", r => r.Money(r.Item.TaxAmount)),
        new("discount_amount", "Discount", r => r.Money(r.Item.DiscountAmount)),
        new("credit_amount", "Credit", r => r.Money(r.Item.CreditAmount)),
        new("refund_amount", "Refunded", r => r.Money(r.Item.RefundAmount)),
    ];

    public static readonly ReportColumn[] LineItemsGrouped =
    [
        new("total_amount", "Total", _ => null) { Aggregate = (rows, first) => first.Money(rows.Sum(r => r.Item.Price)) },
        new("type", "Type", r => ReportRow.LineReportType(r.Item.Type)),
    ];
}
