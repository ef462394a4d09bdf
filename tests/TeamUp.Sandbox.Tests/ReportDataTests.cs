using System.Text.Json.Nodes;

namespace TeamUp.Sandbox.Tests;

[Collection(SharedSandboxCollection.Name)]
public sealed class ReportDataTests(SharedSandbox shared)
{
    private TeamUpSandbox Sandbox => shared.Sandbox;

    /// <summary>What the invoice reports see: the default provider's invoices minus drafts.</summary>
    private List<SandboxInvoice> Reported => [.. Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Where(i => i.Status != "draft")];

    [Fact]
    public async Task Default_format_is_csv_with_a_header_of_column_keys()
    {
        using var client = Sandbox.Client();
        using var response = await client.GetAsync("reports/invoices/data?columns=id,status,total_amount&limit=5");
        Assert.Equal("text/csv", response.Content.Headers.ContentType!.MediaType);
        var lines = (await response.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,status,total_amount", lines[0]);
        Assert.Equal(6, lines.Length);
        var first = Reported[0];
        Assert.Equal($"{first.Id},{(first.Status == "pending" ? "pending_online" : first.Status)},{first.TotalAmount.ToString("0.00", System.Globalization.CultureInfo.InvariantCulture)}", lines[1]);
        Assert.Equal(Reported.Count.ToString(), response.Headers.GetValues("X-Total-Count").Single());
    }

    [Fact]
    public async Task Json_format_has_total_headers_and_nested_rows()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices/data?format=json&columns=customer_id,customer.venue.name,total_amount&limit=3");
        Assert.Equal(Reported.Count, (int)report["total"]!);
        var headers = report["column_headers"]!.AsArray();
        // id is a required column: always present, first.
        Assert.Equal(["id", "customer.id", "customer.venue.name", "total_amount"], headers.Select(h => (string)h!["key"]!));
        Assert.True((bool)headers[0]!["required"]!);
        Assert.True((bool)headers[1]!["holds_customer_id"]!);
        Assert.Equal("Customer ID", (string?)headers[1]!["label"]);
        var row = report.Rows()[0];
        var invoice = Reported[0];
        Assert.Equal(invoice.CustomerId, (int)row["customer"]!["id"]!);
        Assert.Equal(Sandbox.Data.Customer(invoice.CustomerId).Venue.Name, (string?)row["customer"]!["venue"]!["name"]);
        Assert.Equal(invoice.TotalAmount, row["total_amount"].Decimal());
        Assert.Equal("gbp", (string?)row["total_amount"]!["iso_currency_code"]);
    }

    [Fact]
    public async Task Page_and_page_size_and_limit_and_offset_address_the_same_rows()
    {
        using var client = Sandbox.Client();
        var paged = await client.GetJsonAsync("reports/invoices/data?format=json&columns=id&page=3&page_size=7");
        var offset = await client.GetJsonAsync("reports/invoices/data?format=json&columns=id&offset=14&limit=7");
        var ids = paged.Rows().Select(r => (int)r["id"]!).ToList();
        Assert.Equal(Reported.Skip(14).Take(7).Select(i => i.Id), ids);
        Assert.Equal(ids, offset.Rows().Select(r => (int)r["id"]!));
        var defaults = await client.GetJsonAsync("reports/invoices/data?format=json&columns=id");
        Assert.Equal(50, defaults.Rows().Count);
    }

    [Theory]
    [InlineData("invoices", "columns=id,nope", "columns")]
    [InlineData("invoices", "page_size=101", "page_size")]
    [InlineData("invoices", "page=0", "page")]
    [InlineData("invoices", "page=2&limit=10", "page")]
    [InlineData("invoices", "due_date_gte=2024-13-01", "due_date_gte")]
    [InlineData("invoices", "due_date_lte=yesterday", "due_date_lte")]
    [InlineData("invoices", "paid_at_gte=notatime", "paid_at_gte")]
    [InlineData("invoices", "status=pending", "status")]
    [InlineData("invoices", "status=draft", "status")]
    [InlineData("invoices", "purchase_types=gym", "purchase_types")]
    [InlineData("invoices", "customers=1,x", "customers")]
    [InlineData("invoices", "discount_applied=maybe", "discount_applied")]
    [InlineData("invoices", "sort=charges", "sort")]
    [InlineData("invoices", "sort=unknown", "sort")]
    [InlineData("invoices", "format=xml", "format")]
    [InlineData("invoices", "due_date_timeframe=someday", "due_date_timeframe")]
    [InlineData("invoices.grouped", "format=json", "columns")]
    [InlineData("invoices.grouped", "columns=id", "columns")]
    [InlineData("invoices.grouped", "columns=status&sort=purchase_type", "sort")]
    [InlineData("invoice_line_items", "columns=total_amount", "columns")]
    [InlineData("invoice_line_items", "invoice_status=bogus", "invoice_status")]
    [InlineData("invoice_line_items", "invoice_due_date_gte=2024-02-30", "invoice_due_date_gte")]
    [InlineData("invoice_line_items.grouped", "columns=amount", "columns")]
    public async Task Invalid_report_requests_are_400_naming_the_parameter(string report, string query, string parameter)
    {
        using var client = Sandbox.Client();
        var error = await client.GetErrorAsync($"reports/{report}/data?{query}", 400);
        Assert.StartsWith(parameter + ":", (string?)error["detail"]);
        Assert.Equal("invalid", (string?)error["code"]);
    }

    [Fact]
    public async Task Status_filter_maps_pending_to_pending_online_and_accepts_a_list()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices/data?format=json&columns=status&status=pending_online,failed&limit=1000");
        Assert.Equal(Reported.Count(i => i.Status is "pending" or "failed"), (int)report["total"]!);
        Assert.Equal(["failed", "pending_online"], report.Rows().Select(r => (string)r["status"]!).Distinct().Order());
    }

    [Fact]
    public async Task Date_and_datetime_ranges_filter_inclusively()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices/data?format=json&columns=due_date&due_date_gte=2024-03-01&due_date_lte=2024-03-31&limit=1000");
        var expected = Reported.Where(i => i.DueDate >= new DateOnly(2024, 3, 1) && i.DueDate <= new DateOnly(2024, 3, 31)).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected.Select(i => i.Id), report.Rows().Select(r => (int)r["id"]!));

        var from = new DateTimeOffset(2024, 6, 1, 12, 0, 0, TimeSpan.Zero);
        var paid = await client.GetJsonAsync("reports/invoices/data?format=json&columns=paid_at&paid_at_gte=2024-06-01T12:00:00Z&paid_at_lte=2024-06-30T23:59:59%2B00:00&limit=1000");
        Assert.Equal(Reported.Count(i => i.PaidAt >= from && i.PaidAt <= new DateTimeOffset(2024, 6, 30, 23, 59, 59, TimeSpan.Zero)), (int)paid["total"]!);
        Each.Of(paid.Rows(), r => Assert.StartsWith("2024-06", (string)r["paid_at"]!));
    }

    [Fact]
    public async Task Customers_processors_purchase_types_id_gt_and_booleans_filter()
    {
        using var client = Sandbox.Client();
        var provider = Sandbox.Data.Provider(Sandbox.DefaultProviderId);
        var customers = Reported.Select(i => i.CustomerId).Distinct().Take(3).ToList();
        var byCustomer = await client.GetJsonAsync($"reports/invoices/data?format=json&columns=customer.id&customers={string.Join(",", customers)}&limit=1000");
        Assert.Equal(Reported.Count(i => customers.Contains(i.CustomerId)), (int)byCustomer["total"]!);

        var processor = provider.PaymentProcessors[1];
        var byProcessor = await client.GetJsonAsync($"reports/invoices/data?format=json&columns=payment_processor&payment_processors={processor.Id}&limit=1000");
        Assert.Equal(Reported.Count(i => i.PaymentProcessorId == processor.Id), (int)byProcessor["total"]!);
        Each.Of(byProcessor.Rows(), r => Assert.Equal(processor.Name, (string?)r["payment_processor"]));

        var byType = await client.GetJsonAsync("reports/invoices/data?format=json&columns=purchase_type&purchase_types=class&purchase_types=store&limit=1000");
        Assert.Equal(Reported.Count(i => i.PurchaseType is "class" or "store"), (int)byType["total"]!);

        var cursor = Reported[Reported.Count / 2].Id;
        var after = await client.GetJsonAsync($"reports/invoices/data?format=json&columns=id&id_gt={cursor}&limit=1000");
        Assert.Equal(Reported.Where(i => i.Id > cursor).Select(i => i.Id), after.Rows().Select(r => (int)r["id"]!));

        var discounted = await client.GetJsonAsync("reports/invoices/data?format=json&columns=discount_code&discount_applied=true&limit=1000");
        Assert.Equal(Reported.Count(i => i.Discounts.Count > 0), (int)discounted["total"]!);
        Each.Of(discounted.Rows(), r => Assert.NotNull((string?)r["discount_code"]!["code"]));
        var undiscounted = await client.GetJsonAsync("reports/invoices/data?format=json&columns=id&discount_applied=false&limit=0");
        Assert.Equal(Reported.Count(i => i.Discounts.Count == 0), (int)undiscounted["total"]!);

        var credited = await client.GetJsonAsync("reports/invoices/data?format=json&columns=applied_credits&credit_applied=true&limit=1000");
        Assert.Equal(Reported.Count(i => i.AppliedCredits.Count > 0), (int)credited["total"]!);
        Each.Of(credited.Rows(), r => Assert.IsType<string>((string?)r["applied_credits"]![0]!["amount"]!["decimal"]));
    }

    [Fact]
    public async Task Multi_column_sort_is_applied_and_reported_in_the_headers()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices/data?format=json&columns=status,total_amount&sort=status,-total_amount&limit=1000");
        var rows = report.Rows().Select(r => (Status: (string)r["status"]!, Total: r["total_amount"].Decimal())).ToList();
        var expected = rows.OrderBy(r => r.Status, StringComparer.Ordinal).ThenByDescending(r => r.Total).ToList();
        Assert.Equal(expected, rows);
        var headers = report["column_headers"]!.AsArray();
        var status = headers.Single(h => (string?)h!["key"] == "status")!;
        var total = headers.Single(h => (string?)h!["key"] == "total_amount")!;
        Assert.Equal("asc", (string?)status["sorted"]!["order"]);
        Assert.Equal(0, (int)status["sorted"]!["priority"]!);
        Assert.Equal("desc", (string?)total["sorted"]!["order"]);
        Assert.Equal(1, (int)total["sorted"]!["priority"]!);
        Assert.False(headers[0]!.AsObject().ContainsKey("sorted"));
    }

    [Fact]
    public async Task Line_item_report_filters_on_its_invoice_and_sums_back_to_invoice_subtotals()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoice_line_items/data?format=json&columns=invoice_id,amount,type,billed_item,invoice_status&invoice_status=paid&invoice_due_date_gte=2024-01-01&limit=1000");
        var expected = Reported.Where(i => i.Status == "paid" && i.DueDate >= new DateOnly(2024, 1, 1)).ToList();
        Assert.Equal(expected.Sum(i => i.LineItems.Count), (int)report["total"]!);
        var sums = report.Rows().GroupBy(r => (int)r["invoice"]!["id"]!).ToDictionary(g => g.Key, g => g.Sum(r => r["amount"].Decimal()));
        foreach (var invoice in expected) Assert.Equal(invoice.SubtotalAmount, sums[invoice.Id]);
        Each.Of(report.Rows(), r =>
        {
            Assert.Equal("paid", (string?)r["invoice"]!["status"]);
            Assert.NotNull((string?)r["billed_item"]!["object"]);
        });
    }

    [Fact]
    public async Task Line_item_id_gt_is_a_cursor_over_line_item_ids()
    {
        using var client = Sandbox.Client();
        var first = await client.GetJsonAsync("reports/invoice_line_items/data?format=json&columns=id&limit=10");
        var last = (int)first.Rows()[^1]["id"]!;
        var next = await client.GetJsonAsync($"reports/invoice_line_items/data?format=json&columns=id&limit=10&id_gt={last}");
        Each.Of(next.Rows(), r => Assert.True((int)r["id"]! > last));
        Assert.Equal(last + 1, (int)next.Rows()[0]["id"]!);
    }
}

[Collection(SharedSandboxCollection.Name)]
public sealed class ReportFilterFamilyTests(SharedSandbox shared)
{
    private TeamUpSandbox Sandbox => shared.Sandbox;

    private List<SandboxInvoice> Reported => [.. Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Where(i => i.Status != "draft")];

    [Fact]
    public async Task Customer_memberships_filter_on_the_membership_billed_item()
    {
        var membership = Reported.SelectMany(i => i.LineItems).First(l => l.BilledItem.Type == "billed_membership").BilledItem.Id;
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync($"reports/invoices/data?format=json&columns=id&customer_memberships={membership}&limit=1000");
        var expected = Reported.Where(i => i.LineItems.Any(l => l.BilledItem.Id == membership)).Select(i => i.Id).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, report.Rows().Select(r => (int)r["id"]!));
    }

    [Fact]
    public async Task Confirmed_and_updated_ranges_and_timeframes_filter()
    {
        using var client = Sandbox.Client();
        var from = new DateTimeOffset(2024, 1, 1, 0, 0, 0, TimeSpan.Zero);
        var to = new DateTimeOffset(2024, 2, 1, 0, 0, 0, TimeSpan.Zero);
        var confirmed = await client.GetJsonAsync("reports/invoices/data?format=json&columns=id&confirmed_at_gte=2024-01-01T00:00:00Z&confirmed_at_lte=2024-02-01&limit=0");
        Assert.Equal(Reported.Count(i => i.ConfirmedAt >= from && i.ConfirmedAt <= to), (int)confirmed["total"]!);
        var updated = await client.GetJsonAsync("reports/invoice_line_items/data?format=json&columns=id&invoice_updated_at_gte=2024-01-01T00:00:00Z&invoice_updated_at_lte=2024-02-01T00:00:00Z&limit=0");
        Assert.Equal(Reported.Where(i => i.UpdatedAt >= from && i.UpdatedAt <= to).Sum(i => i.LineItems.Count), (int)updated["total"]!);

        var anchor = Sandbox.Data.AnchorDate;
        var lastMonth = await client.GetJsonAsync("reports/invoices/data?format=json&columns=id&paid_at_timeframe=last_month&limit=0");
        var start = new DateOnly(anchor.Year, anchor.Month, 1).AddMonths(-1);
        Assert.Equal(Reported.Count(i => i.PaidAt is { } p && DateOnly.FromDateTime(p.UtcDateTime) >= start && DateOnly.FromDateTime(p.UtcDateTime) < start.AddMonths(1)),
            (int)lastMonth["total"]!);
        Assert.True((int)lastMonth["total"]! > 0);
    }
}
