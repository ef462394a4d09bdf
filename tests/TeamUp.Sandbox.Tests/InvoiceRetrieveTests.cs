using System.Text.Json.Nodes;

namespace TeamUp.Sandbox.Tests;

[Collection(SharedSandboxCollection.Name)]
public sealed class InvoiceRetrieveTests(SharedSandbox shared)
{
    private static readonly string[] Deferred = ["charges", "line_items", "discounts", "adjustments", "applied_credits", "taxes", "credit_notes"];

    private TeamUpSandbox Sandbox => shared.Sandbox;

    private SandboxInvoice Rich => Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId)
        .First(i => i.Charges.Count > 0 && i.Discounts.Count > 0 && i.Taxes.Count > 0 && i.LineItems.Count > 1);

    [Fact]
    public async Task A_plain_retrieve_has_the_required_fields_and_no_deferred_ones()
    {
        var invoice = Rich;
        using var client = Sandbox.Client();
        var body = await client.GetJsonAsync($"invoices/{invoice.Id}");
        Assert.Equal("invoice", (string?)body["object"]);
        Assert.Equal(invoice.Status, (string?)body["status"]);
        Assert.Equal(invoice.CustomerId, (int)body["payer"]!);
        Assert.Equal(invoice.TotalAmountDue, body["total_amount_due"].Decimal());
        Assert.Equal(invoice.DueDate.ToString("yyyy-MM-dd"), (string?)body["due_date"]);
        Assert.Equal(invoice.LegacyInvoiceKey, (string?)body["legacy_invoice_key"]);
        foreach (var field in Deferred) Assert.False(body.ContainsKey(field), field);
    }

    [Fact]
    public async Task Fields_selects_exactly_the_named_fields_and_can_ask_for_deferred_ones()
    {
        var invoice = Rich;
        using var client = Sandbox.Client();
        var body = await client.GetJsonAsync($"invoices/{invoice.Id}?fields=id,status,line_items,taxes");
        Assert.Equal(["id", "status", "line_items", "taxes"], body.Select(kv => kv.Key));
        Assert.Equal(invoice.LineItems.Count, body["line_items"]!.AsArray().Count);
        Assert.Equal(invoice.LineItems[0].BilledItem.Id, (int)body["line_items"]![0]!["billed_item"]!);
    }

    [Fact]
    public async Task Dot_notation_in_fields_narrows_nested_objects()
    {
        using var client = Sandbox.Client();
        var body = await client.GetJsonAsync($"invoices/{Rich.Id}?fields=id,line_items.price");
        var line = body["line_items"]![0]!.AsObject();
        Assert.Equal(["price"], line.Select(kv => kv.Key));
    }

    [Fact]
    public async Task An_empty_deferred_list_is_present_and_empty_when_asked()
    {
        var invoice = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).First(i => i.Adjustments.Count == 0);
        using var client = Sandbox.Client();
        var body = await client.GetJsonAsync($"invoices/{invoice.Id}?expand=adjustments");
        Assert.Empty(body["adjustments"]!.AsArray());
        Assert.True(body.ContainsKey("status"));
    }

    [Fact]
    public async Task Every_expandable_field_expands_to_its_object()
    {
        var invoice = Rich;
        var provider = Sandbox.Data.Provider(invoice.ProviderId);
        using var client = Sandbox.Client();
        var body = await client.GetJsonAsync(
            $"invoices/{invoice.Id}?expand=payer,charges.payment_processor,line_items.billed_item,discounts.discount_code,taxes.purchase_fee");

        var customer = Sandbox.Data.Customer(invoice.CustomerId);
        Assert.Equal(customer.Id, (int)body["payer"]!["id"]!);
        Assert.Equal(customer.Name, (string?)body["payer"]!["name"]);

        var processor = body["charges"]![0]!["payment_processor"]!;
        Assert.Equal("payment_processor", (string?)processor["object"]);
        Assert.Equal(provider.PaymentProcessors.Single(p => p.Id == invoice.Charges[0].PaymentProcessorId).Name, (string?)processor["name"]);
        Assert.IsType<int>((int)processor["type"]!);

        var billed = body["line_items"]![0]!["billed_item"]!;
        Assert.Equal(invoice.LineItems[0].BilledItem.Type, (string?)billed["type"]);
        Assert.Equal(invoice.LineItems[0].BilledItem.Name, (string?)billed["name"]);

        var code = body["discounts"]![0]!["discount_code"]!;
        Assert.Equal("discount_code", (string?)code["object"]);
        Assert.Equal(provider.DiscountCodes.Single(c => c.Id == invoice.Discounts[0].DiscountCodeId).Code, (string?)code["code"]);
        Assert.True(code["discount_amount"] is JsonObject == ((string?)code["discount_type"] == "flat"));

        var fee = body["taxes"]![0]!["purchase_fee"]!;
        Assert.Equal("purchase_fee", (string?)fee["object"]);
        Assert.Contains((string?)fee["type"], new[] { "percent", "flat" });

        // Expanding one path of a deferred field brings only that field, not its siblings.
        Assert.False(body.ContainsKey("adjustments"));
    }

    [Fact]
    public async Task Store_product_billed_items_carry_quantity_and_memo()
    {
        var line = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).SelectMany(i => i.LineItems).First(l => l.BilledItem.Type == "billed_store_product");
        using var client = Sandbox.Client();
        var body = await client.GetJsonAsync($"invoices/{line.InvoiceId}?expand=line_items.billed_item");
        var billed = body["line_items"]!.AsArray().Single(l => (int)l!["id"]! == line.Id)!["billed_item"]!;
        Assert.Equal(line.BilledItem.Quantity, (int)billed["quantity"]!);
        Assert.NotNull(billed["memo"]);
    }

    [Fact]
    public async Task Credit_notes_link_both_ways()
    {
        var note = Sandbox.Data.Invoices.First(i => i.IsCreditNote && i.ProviderId == Sandbox.DefaultProviderId);
        using var client = Sandbox.Client();
        var original = await client.GetJsonAsync($"invoices/{note.RefundedInvoiceId}?fields=id,credit_notes");
        var item = Assert.Single(original["credit_notes"]!.AsArray())!;
        Assert.Equal(note.Id, (int)item["id"]!);
        var body = await client.GetJsonAsync($"invoices/{note.Id}");
        Assert.True((bool)body["is_credit_note"]!);
        Assert.True(body["total_amount_due"].Decimal() < 0);
    }

    [Theory]
    [InlineData("999999999")]
    [InlineData("not-a-number")]
    public async Task Unknown_invoice_is_404(string id)
    {
        using var client = Sandbox.Client();
        var error = await client.GetErrorAsync($"invoices/{id}", 404);
        Assert.Equal("not_found", (string?)error["code"]);
    }
}
