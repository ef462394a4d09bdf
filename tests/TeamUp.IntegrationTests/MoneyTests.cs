namespace TeamUp.IntegrationTests;

/// <summary>Money as the SDK reads it from both providers (GBP before, EUR after): exact decimals, the display string, sums.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class MoneyTests(SharedSandbox shared)
{
    private readonly TeamUpSandbox _sandbox = shared.Sandbox;
    private readonly SandboxDataset _data = shared.Data;

    private async Task<List<Invoice>> AllAsync(int providerId)
    {
        using var client = Clients.For(_sandbox, providerId);
        return await client.Invoices.ListAllAsync(new InvoiceListOptions { PageSize = 100, Expand = [InvoiceExpand.LineItems, InvoiceExpand.Discounts] }).ToListAsync();
    }

    [Theory]
    [InlineData(0, "gbp", "£", "before")]
    [InlineData(1, "eur", "€", "after")]
    public async Task Format_reproduces_the_sandboxs_string_for_every_amount(int providerIndex, string iso, string symbol, string position)
    {
        var providerId = _sandbox.ProviderIds[providerIndex];
        var currency = _data.Provider(providerId).Currency;
        Assert.Equal((iso, symbol, position), (currency.IsoCode, currency.Symbol, currency.SymbolPosition));

        var invoices = await AllAsync(providerId);

        var amounts = invoices.SelectMany(i => new[] { i.TotalAmountDue }
            .Concat(i.LineItems!.SelectMany(l => new[] { l.Price, l.TotalAmountDue }))
            .Concat(i.Discounts!.Select(d => d.Amount))).ToList();
        Each.Of(amounts, m =>
        {
            Assert.Equal(m.String, m.Format());
            Assert.Equal(DocumentedMoney.Of(m.Decimal, iso), m.String);
            Assert.Equal(iso, m.IsoCurrencyCode);
            Assert.Equal(position, m.CurrencySymbolPosition.ToString());
        });
        // Credit notes, whole amounts and thousands all occur, so each formatting branch was exercised.
        Assert.Contains(amounts, m => m.Decimal < 0);
        Assert.Contains(amounts, m => m.Decimal == decimal.Truncate(m.Decimal) && m.Decimal != 0);
        Assert.Contains(amounts, m => m.Decimal != decimal.Truncate(m.Decimal));
        Assert.Equal(_data.InvoicesFor(providerId).Select(i => DocumentedMoney.Of(i.TotalAmountDue, iso)), invoices.Select(i => i.TotalAmountDue.String));
    }

    [Theory]
    [InlineData(1234.5, "gbp", "£1,234.50")]
    [InlineData(-5, "gbp", "-£5")]
    [InlineData(45, "gbp", "£45")]
    [InlineData(1234.5, "eur", "1,234.50 €")]
    [InlineData(-0.5, "eur", "-0.50 €")]
    [InlineData(1000000, "usd", "$1,000,000")]
    public void The_documented_format_used_as_truth_matches_the_READMEs_examples(decimal amount, string iso, string shown) =>
        Assert.Equal(shown, DocumentedMoney.Of(amount, iso));

    [Fact]
    public async Task Sum_over_a_providers_invoices_is_the_datasets_exact_sum_and_currencies_never_mix()
    {
        var gbp = await AllAsync(shared.Provider1);
        var eur = await AllAsync(shared.Provider2);

        var gbpTotal = gbp.Sum(i => i.TotalAmountDue);
        var eurTotal = eur.Select(i => i.TotalAmountDue).Sum();

        Assert.Equal(_data.InvoicesFor(shared.Provider1).Sum(i => i.TotalAmountDue), gbpTotal.Decimal);
        Assert.Equal(_data.InvoicesFor(shared.Provider2).Sum(i => i.TotalAmountDue), eurTotal.Decimal);
        Assert.Equal("gbp", gbpTotal.IsoCurrencyCode);
        Assert.Equal("eur", eurTotal.IsoCurrencyCode);
        Assert.Equal(DocumentedMoney.Of(gbpTotal.Decimal, "gbp"), gbpTotal.Format());
        Assert.Equal(DocumentedMoney.Of(eurTotal.Decimal, "eur"), eurTotal.Format());
        // Line items add up to each invoice's subtotal, exactly.
        Each.Of(gbp, i => Assert.Equal(_data.FindInvoice(i.Id)!.SubtotalAmount, i.LineItems!.Sum(l => l.Price).Decimal));

        var mixed = Assert.Throws<CurrencyMismatchException>(() => gbp.Concat(eur).Sum(i => i.TotalAmountDue));
        Assert.Equal(("gbp", "eur"), (mixed.LeftCurrency?.ToLowerInvariant(), mixed.RightCurrency?.ToLowerInvariant()));
        Assert.Throws<CurrencyMismatchException>(() => gbpTotal + eurTotal);
    }
}
