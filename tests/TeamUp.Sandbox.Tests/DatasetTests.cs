namespace TeamUp.Sandbox.Tests;

public sealed class DatasetTests
{
    [Fact]
    public async Task Default_dataset_has_two_providers_in_two_currencies_and_the_documented_size()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Port = 0 });
        var data = sandbox.Data;
        Assert.Equal([101, 102], sandbox.ProviderIds);
        Assert.Equal(5_000, data.Invoices.Count);
        Assert.Equal(500, data.Customers.Count);
        Assert.Equal(2_500, data.InvoicesFor(101).Count);
        Assert.Equal("gbp", data.Provider(101).Currency.IsoCode);
        Assert.Equal("after", data.Provider(102).Currency.SymbolPosition);
        Assert.Equal("£1,234.50", data.Provider(101).Currency.Format(1234.5m));
        Assert.Equal("-12 €", data.Provider(102).Currency.Format(-12m));

        // Every status of the invoice enum occurs, and so do the nine billed item kinds and the extras.
        Assert.Equal(InvoiceStatuses.Order(), data.Invoices.Select(i => i.Status).Distinct().Order());
        Assert.Equal(9, data.Invoices.SelectMany(i => i.LineItems).Select(l => l.BilledItem.Type).Distinct().Count());
        Assert.Contains(data.Invoices, i => i.IsCreditNote && i.RefundedInvoiceId is not null);
        Assert.Contains(data.Invoices, i => i.Discounts.Count > 0);
        Assert.Contains(data.Invoices, i => i.Taxes.Count > 0);
        Assert.Contains(data.Invoices, i => i.Adjustments.Count > 0);
        Assert.Contains(data.Invoices, i => i.AppliedCredits.Count > 0);
        Assert.Equal(3, data.Invoices.SelectMany(i => i.Charges).Select(c => c.PaymentProcessorId).Distinct().Count(id => id / 10 == 101));
        Each.Of(data.Invoices.Where(i => i.Status is not ("upcoming" or "draft")), i => Assert.True(i.DueDate <= data.AnchorDate));
        Assert.True(data.Invoices.Min(i => i.DueDate) >= data.AnchorDate.AddMonths(-24));
    }

    [Fact]
    public async Task Same_seed_gives_the_same_data_and_another_seed_does_not()
    {
        await using var a = await Sandboxes.StartSmallAsync(o => o.Seed = 7);
        await using var b = await Sandboxes.StartSmallAsync(o => o.Seed = 7);
        await using var c = await Sandboxes.StartSmallAsync(o => o.Seed = 8);
        string Fingerprint(TeamUpSandbox s) => string.Join("|", s.Data.Invoices.Select(i => $"{i.Id}:{i.Status}:{i.DueDate}:{i.TotalAmount}:{i.CustomerId}"));
        Assert.Equal(Fingerprint(a), Fingerprint(b));
        Assert.NotEqual(Fingerprint(a), Fingerprint(c));
    }

    [Fact]
    public async Task Invoice_amounts_add_up()
    {
        await using var sandbox = await Sandboxes.StartSmallAsync();
        foreach (var i in sandbox.Data.Invoices)
        {
            Assert.Equal(i.LineItems.Sum(l => l.Price), i.SubtotalAmount);
            Assert.Equal(i.SubtotalAmount - i.DiscountAmount + i.TaxAmount + i.AdjustmentAmount, i.TotalAmount);
            Assert.Equal(i.TotalAmount - i.CreditAmount, i.TotalAmountDue);
            Assert.Equal(i.TotalAmountDue, i.LineItems.Sum(l => l.TotalAmountDue));
        }
    }

    private static readonly string[] InvoiceStatuses =
        ["open", "paid", "pending_offline", "pending", "failed", "voided", "retrying", "retry_failed", "upcoming", "draft", "skipped"];
}
