using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>Renders an invoice object: ids for expandable fields unless expanded, deferred fields only when asked.</summary>
internal static class InvoiceRenderer
{
    public static JsonObject Render(SandboxInvoice inv, SandboxDataset data, SandboxProvider provider, InvoiceView view)
    {
        var currency = provider.Currency;
        JsonObject Money(decimal d) => SandboxJson.Money(d, currency);
        var all = new (string Field, Func<JsonNode?> Value)[]
        {
            ("id", () => inv.Id),
            ("object", () => "invoice"),
            ("status", () => inv.Status),
            ("due_date", () => SandboxJson.Date(inv.DueDate)),
            ("created_at", () => SandboxJson.DateTime(inv.CreatedAt)),
            ("is_credit_note", () => inv.IsCreditNote),
            ("total_amount_due", () => Money(inv.TotalAmountDue)),
            ("payer", () => view.Expands("payer") ? Payer(data.Customer(inv.CustomerId)) : inv.CustomerId),
            ("legacy_invoice_key", () => inv.LegacyInvoiceKey),
            ("charges", () => Array(inv.Charges, c => new JsonObject
            {
                ["id"] = c.Id,
                ["object"] = "invoice_charge",
                ["payment_processor"] = view.Expands("charges.payment_processor")
                    ? Processor(provider.PaymentProcessors.First(p => p.Id == c.PaymentProcessorId))
                    : c.PaymentProcessorId,
            })),
            ("line_items", () => Array(inv.LineItems, l => new JsonObject
            {
                ["id"] = l.Id,
                ["object"] = "invoice_line_item",
                ["billed_item"] = view.Expands("line_items.billed_item") ? BilledItem(l.BilledItem) : l.BilledItem.Id,
                ["type"] = l.Type,
                ["price"] = Money(l.Price),
                ["total_amount_due"] = Money(l.TotalAmountDue),
            })),
            ("discounts", () => Array(inv.Discounts, d => new JsonObject
            {
                ["id"] = d.Id,
                ["object"] = "invoice_discount",
                ["discount_code"] = view.Expands("discounts.discount_code")
                    ? DiscountCode(provider.DiscountCodes.First(c => c.Id == d.DiscountCodeId), currency)
                    : d.DiscountCodeId,
                ["amount"] = Money(d.Amount),
            })),
            ("adjustments", () => Array(inv.Adjustments, a => new JsonObject { ["id"] = a.Id, ["object"] = "invoice_adjustment", ["amount"] = Money(a.Amount) })),
            ("applied_credits", () => Array(inv.AppliedCredits, c => new JsonObject { ["id"] = c.Id, ["object"] = "invoice_credit", ["amount"] = Money(c.Amount) })),
            ("taxes", () => Array(inv.Taxes, t => new JsonObject
            {
                ["id"] = t.Id,
                ["object"] = "invoice_tax",
                ["amount"] = Money(t.Amount),
                ["purchase_fee"] = view.Expands("taxes.purchase_fee")
                    ? PurchaseFee(provider.PurchaseFees.First(f => f.Id == t.PurchaseFeeId))
                    : t.PurchaseFeeId,
            })),
            ("credit_notes", () => new JsonArray([.. inv.CreditNoteIds.Select(id => (JsonNode)CreditNote(data.FindInvoice(id)!, currency))])),
        };

        var result = new JsonObject();
        foreach (var (field, value) in all)
        {
            if (!view.Includes(field)) continue;
            var node = value();
            result[field] = node is null ? null : view.Narrow(field, node);
        }

        return result;
    }

    private static JsonArray Array<T>(IEnumerable<T> items, Func<T, JsonObject> render) => new([.. items.Select(i => (JsonNode)render(i))]);

    /// <summary>The docs leave credit-note items untyped; a summary of the credit-note invoice is the useful reading.</summary>
    private static JsonObject CreditNote(SandboxInvoice note, SandboxCurrency currency) => new()
    {
        ["id"] = note.Id,
        ["object"] = "invoice",
        ["is_credit_note"] = true,
        ["status"] = note.Status,
        ["created_at"] = SandboxJson.DateTime(note.CreatedAt),
        ["total_amount_due"] = SandboxJson.Money(note.TotalAmountDue, currency),
    };

    private static JsonObject Payer(SandboxCustomer c) => new() { ["id"] = c.Id, ["name"] = c.Name };

    private static JsonObject Processor(SandboxPaymentProcessor p) =>
        new() { ["id"] = p.Id, ["object"] = "payment_processor", ["type"] = p.Type, ["name"] = p.Name };

    private static JsonObject BilledItem(SandboxBilledItem b)
    {
        var obj = new JsonObject { ["id"] = b.Id, ["name"] = b.Name };
        if (b.Type == "billed_store_product")
        {
            obj["quantity"] = b.Quantity ?? 1;
            obj["memo"] = b.Memo ?? "";
        }

        obj["type"] = b.Type;
        return obj;
    }

    private static JsonObject PurchaseFee(SandboxPurchaseFee f) =>
        new() { ["id"] = f.Id, ["object"] = "purchase_fee", ["name"] = f.Name, ["description"] = f.Description, ["type"] = f.Type };

    private static JsonObject DiscountCode(SandboxDiscountCode c, SandboxCurrency currency) => new()
    {
        ["id"] = c.Id,
        ["object"] = "discount_code",
        ["name"] = c.Name,
        ["code"] = c.Code,
        ["status"] = "active",
        ["uses"] = c.Uses,
        ["allowed_uses"] = c.AllowedUses,
        ["allowed_uses_per_customer"] = c.AllowedUsesPerCustomer,
        ["discount_type"] = c.DiscountType,
        ["discount_amount"] = c.DiscountType == "flat" ? SandboxJson.Money(c.DiscountAmount, currency) : c.DiscountAmount,
        ["usable_start_date"] = SandboxJson.Date(c.UsableStartDate),
        ["usable_end_date"] = SandboxJson.Date(c.UsableEndDate),
        ["usable_purchase_types"] = new JsonArray([.. c.UsablePurchaseTypes.Select(t => (JsonNode)t)]),
        ["usable_by_new_customers_only"] = false,
        ["usable_by_default_for_purchase_types"] = false,
        ["applicable_billing_cycles"] = 1,
        ["group"] = new JsonObject { ["id"] = c.GroupId, ["name"] = c.GroupName },
    };
}
