using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

public class MoneyTests
{
    private static Money Gbp(decimal amount) => Money.Of(amount, "gbp", "£", CurrencySymbolPosition.Before);

    private static Money Eur(decimal amount) => Money.Of(amount, "eur", "€", CurrencySymbolPosition.After);

    [Fact]
    public void Amount_is_read_exactly_without_double_rounding()
    {
        // 0.1 + 0.2 style values and more digits than a double holds.
        var money = TeamUpJson.Deserialize<Money>(Payloads.Money45.Replace("\"decimal\":45", "\"decimal\":12345678901234.56789"))!;

        Assert.Equal(12345678901234.56789m, money.Decimal);
        Assert.Equal(0.3m, TeamUpJson.Deserialize<Money>(Payloads.Money45.Replace("45,", "0.1,"))!.Decimal + 0.2m);
    }

    [Theory]
    [InlineData(45, "£45")]
    [InlineData(45.5, "£45.50")]
    [InlineData(0, "£0")]
    [InlineData(-12.25, "-£12.25")]
    [InlineData(1234.5, "£1,234.50")]
    [InlineData(1234567, "£1,234,567")]
    public void Formatting_reproduces_teamups_string_for_symbol_before(decimal amount, string expected) =>
        Assert.Equal(expected, Gbp(amount).Format());

    [Fact]
    public void Formatting_puts_the_symbol_after_when_teamup_says_so() =>
        Assert.Equal("19.90 €", Eur(19.9m).Format());

    [Fact]
    public void Documented_example_formats_to_its_own_string()
    {
        var money = TeamUpJson.Deserialize<Money>(Payloads.Money45)!;

        Assert.Equal(money.String, money.Format());
        Assert.Equal("£45", money.ToString());
    }

    [Fact]
    public void Addition_and_sum_within_one_currency()
    {
        var total = Gbp(10.10m) + Gbp(0.20m);

        Assert.Equal(10.30m, total.Decimal);
        Assert.Equal("£10.30", total.String);
        Assert.Equal("gbp", total.IsoCurrencyCode);
        Assert.Equal(60.6m, new[] { Gbp(10.1m), Gbp(20.2m), Gbp(30.3m) }.Sum().Decimal);
        Assert.Equal(7m, new[] { 3m, 4m }.Select(Gbp).Sum(m => m).Decimal);
    }

    [Fact]
    public void Mixing_currencies_is_a_clear_error()
    {
        var error = Assert.Throws<CurrencyMismatchException>(() => Gbp(1) + Eur(1));

        Assert.Contains("GBP", error.Message);
        Assert.Contains("EUR", error.Message);
        Assert.Throws<CurrencyMismatchException>(() => Gbp(1) < Eur(2));
        Assert.Throws<CurrencyMismatchException>(() => new[] { Gbp(1), Eur(1) }.Sum());
    }

    [Fact]
    public void Comparison_within_one_currency_ignores_code_case()
    {
        var upper = Money.Of(5, "GBP", "£", CurrencySymbolPosition.Before);

        Assert.True(Gbp(4) < upper);
        Assert.True(Gbp(5) >= upper);
        Assert.Equal(Gbp(5), upper);
        Assert.Equal(Gbp(5m), Gbp(5.00m));
    }

    [Fact]
    public void Zero_for_a_currency_and_empty_sums()
    {
        var zero = Money.Zero("eur", "€", CurrencySymbolPosition.After);

        Assert.Equal("0 €", zero.String);
        Assert.Equal(zero, Money.Sum([], zero));
        Assert.Throws<InvalidOperationException>(() => Money.Sum([]));
    }
}
