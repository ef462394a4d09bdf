namespace TeamUp.Sandbox.Tests;

[Collection(SharedSandboxCollection.Name)]
public sealed class GroupedReportTests(SharedSandbox shared)
{
    private TeamUpSandbox Sandbox => shared.Sandbox;

    private List<SandboxInvoice> Reported => [.. Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Where(i => i.Status != "draft")];

    [Fact]
    public async Task Grouped_invoices_count_per_group_of_the_requested_columns()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices.grouped/data?format=json&columns=status,purchase_type,count&limit=1000");
        var expected = Reported.GroupBy(i => (i.Status == "pending" ? "pending_online" : i.Status, i.PurchaseType)).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.Count, (int)report["total"]!);
        foreach (var row in report.Rows())
            Assert.Equal(expected[((string)row["status"]!, (string)row["purchase_type"]!)], (int)row["count"]!);
        Assert.Equal(Reported.Count, report.Rows().Sum(r => (int)r["count"]!));
        // Groups come in column order by default.
        var keys = report.Rows().Select(r => ((string)r["status"]!, (string)r["purchase_type"]!)).ToList();
        Assert.Equal(keys.OrderBy(k => k.Item1, StringComparer.Ordinal).ThenBy(k => k.Item2, StringComparer.Ordinal), keys);
    }

    [Fact]
    public async Task Grouped_invoices_can_sort_by_count_descending_and_page()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices.grouped/data?format=json&columns=customer_id,count&sort=-count&page_size=5");
        var counts = report.Rows().Select(r => (int)r["count"]!).ToList();
        Assert.Equal(5, counts.Count);
        Assert.Equal(counts.OrderDescending(), counts);
        Assert.Equal(Reported.GroupBy(i => i.CustomerId).Max(g => g.Count()), counts[0]);
        Assert.Equal(Reported.Select(i => i.CustomerId).Distinct().Count(), (int)report["total"]!);
    }

    [Fact]
    public async Task Month_and_year_columns_use_the_documented_types()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices.grouped/data?format=json&columns=due_date_month,due_date_year,payment_month,payment_year,count&status=paid&limit=1");
        var row = report.Rows()[0];
        Assert.IsType<string>((string?)row["due_date_month"]);
        Assert.IsType<string>((string?)row["due_date_year"]);
        Assert.Equal(System.Text.Json.JsonValueKind.Number, row["payment_month"]!.GetValueKind());
        Assert.Equal(System.Text.Json.JsonValueKind.Number, row["count"]!.GetValueKind());
    }

    [Fact]
    public async Task Grouped_line_items_sum_money_per_type()
    {
        using var client = Sandbox.Client(Sandbox.ProviderIds[1]);
        var report = await client.GetJsonAsync("reports/invoice_line_items.grouped/data?format=json&columns=type,total_amount&sort=-total_amount");
        var lines = Sandbox.Data.InvoicesFor(Sandbox.ProviderIds[1]).Where(i => i.Status != "draft").SelectMany(i => i.LineItems).ToList();
        var rows = report.Rows();
        Assert.Equal(lines.Sum(l => l.Price), rows.Sum(r => r["total_amount"].Decimal()));
        Assert.Equal(rows.Select(r => r["total_amount"].Decimal()).OrderDescending(), rows.Select(r => r["total_amount"].Decimal()));
        Each.Of(rows, r => Assert.Equal("eur", (string?)r["total_amount"]!["iso_currency_code"]));
        var flat = rows.Single(r => (string?)r["type"] == "flat_fee");
        Assert.Equal(lines.Where(l => l.Type is "flat_fee" or "membership_penalty_fee").Sum(l => l.Price), flat["total_amount"].Decimal());
    }

    [Fact]
    public async Task Only_an_aggregate_gives_one_group_and_csv_works_for_groups()
    {
        using var client = Sandbox.Client();
        var report = await client.GetJsonAsync("reports/invoices.grouped/data?format=json&columns=count&due_date_timeframe=last_year");
        var lastYear = Sandbox.Data.AnchorDate.Year - 1;
        Assert.Equal(Reported.Count(i => i.DueDate.Year == lastYear), (int)Assert.Single(report.Rows())["count"]!);

        var csv = await client.GetStringAsync("reports/invoice_line_items.grouped/data?columns=type,total_amount");
        var lines = csv.Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("type,total_amount", lines[0]);
        Assert.True(lines.Length > 5);
    }
}
