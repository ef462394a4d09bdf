using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;
using TeamUp.Sandbox;

namespace TeamUp.Sandbox.Tests;

/// <summary>Invoice activity: what the API answers after pay, void, an amount change and a new invoice, with updated_at kept honest.</summary>
public sealed class ActivityTests
{
    private static readonly DateTimeOffset Now = new(2026, 12, 3, 10, 0, 0, TimeSpan.Zero);

    private static Task<TeamUpSandbox> StartAsync(FakeTimeProvider time) => Sandboxes.StartSmallAsync(o => o.TimeProvider = time);

    [Fact]
    public async Task Paying_an_open_invoice_shows_in_the_invoice_and_the_report_with_a_new_updated_at()
    {
        var time = new FakeTimeProvider(Now);
        await using var sandbox = await StartAsync(time);
        var open = sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).First(i => i.Status == "open");
        using var client = sandbox.Client();

        var change = sandbox.Activity.Pay(open.Id);

        Assert.Equal("paid", change.Kind);
        var invoice = await client.GetJsonAsync($"invoices/{open.Id}?expand=charges");
        Assert.Equal("paid", (string?)invoice["status"]);
        var charge = invoice["charges"]!.AsArray().Last()!;
        Assert.NotNull(charge);
        var rows = (await client.GetJsonAsync($"reports/invoices/data?format=json&columns=id,status,updated_at,paid_at&updated_at_gte={Uri.EscapeDataString(Now.ToString("O"))}")).Rows();
        var row = Assert.Single(rows);
        Assert.Equal(open.Id, (int)row["id"]!);
        Assert.Equal("paid", (string?)row["status"]);
        Assert.Equal(Now, DateTimeOffset.Parse((string)row["updated_at"]!));
        Assert.Equal(Now, sandbox.Data.FindInvoice(open.Id)!.PaidAt);
    }

    [Fact]
    public async Task Voiding_and_changing_an_amount_keep_the_totals_consistent_and_move_updated_at_forward()
    {
        var time = new FakeTimeProvider(Now);
        await using var sandbox = await StartAsync(time);
        var open = sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Where(i => i.Status == "open").Take(2).ToList();

        sandbox.Activity.Void(open[0].Id);
        var edited = sandbox.Activity.SetAmountDue(open[1].Id, open[1].TotalAmountDue + 7.5m).Invoice;
        var again = sandbox.Activity.SetAmountDue(open[1].Id, open[1].TotalAmountDue).Invoice;   // same clock: still later

        Assert.Equal("voided", sandbox.Data.FindInvoice(open[0].Id)!.Status);
        Assert.Equal(open[1].TotalAmountDue + 7.5m, edited.TotalAmountDue);
        Assert.Equal(edited.SubtotalAmount - edited.DiscountAmount + edited.TaxAmount + edited.AdjustmentAmount, edited.TotalAmount);
        Assert.True(again.UpdatedAt > edited.UpdatedAt);
        using var client = sandbox.Client();
        var invoice = await client.GetJsonAsync($"invoices/{open[1].Id}");
        Assert.Equal(open[1].TotalAmountDue, invoice["total_amount_due"].Decimal());
    }

    [Fact]
    public async Task An_added_invoice_is_listed_last_and_retrievable()
    {
        var time = new FakeTimeProvider(Now);
        await using var sandbox = await StartAsync(time);
        var before = sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Count;

        var added = sandbox.Activity.Add(status: "draft").Invoice;

        Assert.Equal(before + 1, sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Count);
        Assert.True(added.Id > sandbox.Data.Invoices.Where(i => i.Id != added.Id).Max(i => i.Id));
        using var client = sandbox.Client();
        var drafts = await client.GetJsonAsync("invoices?status=draft&page_size=100");
        Assert.Contains(drafts["results"]!.AsArray(), i => (int)i!["id"]! == added.Id);
        var fetched = await client.GetJsonAsync($"invoices/{added.Id}?expand=line_items");
        Assert.Equal(added.TotalAmountDue, fetched["total_amount_due"].Decimal());
        Assert.Single(fetched["line_items"]!.AsArray());
    }

    [Fact]
    public async Task Random_activity_changes_something_every_time()
    {
        var time = new FakeTimeProvider(Now);
        await using var sandbox = await StartAsync(time);
        var random = new Random(3);

        var changes = Enumerable.Range(0, 40).Select(_ => { time.Advance(TimeSpan.FromSeconds(1)); return sandbox.Activity.Random(random); }).ToList();

        Assert.Equal(["added", "amount_changed", "paid", "voided"], changes.Select(c => c.Kind).Distinct().Order());
        Each.Of(changes, c => Assert.True(c.Invoice.UpdatedAt > Now));
    }
}
