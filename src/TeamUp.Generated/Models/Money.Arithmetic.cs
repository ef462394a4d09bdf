using System.Globalization;
using Newtonsoft.Json;

namespace TeamUp.Generated;

/// <remarks>
/// TeamUp's money object with exact arithmetic: <see cref="Decimal"/> is read straight from the JSON text as a
/// <see cref="decimal"/> (never through <see cref="double"/>), and amounts only combine within one currency.
/// </remarks>
public partial class Money : IComparable<Money>, IEquatable<Money>
{
    /// <summary>A zero amount in a currency, formatted the way TeamUp formats that currency.</summary>
    /// <param name="isoCurrencyCode">ISO 4217 code as TeamUp writes it, e.g. <c>gbp</c>.</param>
    /// <param name="currencySymbol">The symbol, e.g. <c>£</c>.</param>
    /// <param name="position">Where the symbol goes.</param>
    public static Money Zero(string isoCurrencyCode, string currencySymbol, CurrencySymbolPosition position) =>
        Of(0m, isoCurrencyCode, currencySymbol, position);

    /// <summary>An amount in a currency, with TeamUp's display string.</summary>
    /// <param name="amount">The exact amount.</param>
    /// <param name="isoCurrencyCode">ISO 4217 code as TeamUp writes it, e.g. <c>gbp</c>.</param>
    /// <param name="currencySymbol">The symbol, e.g. <c>£</c>.</param>
    /// <param name="position">Where the symbol goes.</param>
    public static Money Of(decimal amount, string isoCurrencyCode, string currencySymbol, CurrencySymbolPosition position)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(isoCurrencyCode);
        ArgumentNullException.ThrowIfNull(currencySymbol);
        var currency = new Money { IsoCurrencyCode = isoCurrencyCode, CurrencySymbol = currencySymbol, CurrencySymbolPosition = position };
        return currency.WithAmount(amount);
    }

    /// <summary>
    /// Formats the amount as TeamUp's <c>string</c> does: a minus sign first, thousands separated by commas, whole
    /// amounts without decimals (<c>£45</c>, as in the docs) and others with two (<c>£1,234.50</c>); a symbol placed
    /// after the amount follows a space (<c>19.90 €</c>). The docs show only <c>£45</c>, so the rest is inferred.
    /// </summary>
    public string Format()
    {
        var magnitude = Math.Abs(Decimal);
        var digits = magnitude.ToString(magnitude == decimal.Truncate(magnitude) ? "#,##0" : "#,##0.00##", CultureInfo.InvariantCulture);
        var sign = Decimal < 0 ? "-" : string.Empty;
        return CurrencySymbolPosition == TeamUp.Generated.CurrencySymbolPosition.After
            ? sign + digits + " " + CurrencySymbol
            : sign + CurrencySymbol + digits;
    }

    /// <summary>Whether <paramref name="other"/> is in the same currency (ISO codes compared case-insensitively).</summary>
    /// <param name="other">Another amount.</param>
    public bool IsSameCurrency(Money other) =>
        string.Equals(IsoCurrencyCode, other?.IsoCurrencyCode, StringComparison.OrdinalIgnoreCase);

    /// <summary>Adds two amounts of the same currency.</summary>
    /// <param name="other">An amount in the same currency.</param>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public Money Add(Money other)
    {
        EnsureSameCurrency(other, "add");
        return WithAmount(Decimal + other.Decimal);
    }

    /// <summary>Subtracts an amount of the same currency.</summary>
    /// <param name="other">An amount in the same currency.</param>
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public Money Subtract(Money other)
    {
        EnsureSameCurrency(other, "subtract");
        return WithAmount(Decimal - other.Decimal);
    }

    /// <summary>Sums amounts that must all be in one currency.</summary>
    /// <param name="amounts">The amounts; at least one, unless <paramref name="zero"/> is given.</param>
    /// <param name="zero">The result for no amounts (it also fixes the currency).</param>
    /// <exception cref="CurrencyMismatchException">Two amounts are in different currencies.</exception>
    /// <exception cref="InvalidOperationException">No amounts and no <paramref name="zero"/>.</exception>
    public static Money Sum(IEnumerable<Money> amounts, Money? zero = null)
    {
        ArgumentNullException.ThrowIfNull(amounts);
        var total = zero;
        foreach (var amount in amounts)
        {
            total = total is null ? amount : total.Add(amount);
        }
        return total ?? throw new InvalidOperationException("Cannot sum no amounts without a zero that names the currency.");
    }

    /// <inheritdoc />
    /// <exception cref="CurrencyMismatchException">The currencies differ.</exception>
    public int CompareTo(Money? other)
    {
        if (other is null)
        {
            return 1;
        }
        EnsureSameCurrency(other, "compare");
        return Decimal.CompareTo(other.Decimal);
    }

    /// <summary>Same currency and same amount (<c>45</c> equals <c>45.00</c>).</summary>
    /// <param name="other">Another amount.</param>
    public bool Equals(Money? other) => other is not null && IsSameCurrency(other) && Decimal == other.Decimal;

    /// <inheritdoc />
    public override bool Equals(object? obj) => Equals(obj as Money);

    /// <inheritdoc />
    public override int GetHashCode() =>
        HashCode.Combine(Decimal, IsoCurrencyCode?.ToUpperInvariant());

    /// <summary>The display string TeamUp sent (or <see cref="Format"/> when there is none).</summary>
    public override string ToString() => string.IsNullOrEmpty(String) ? Format() : String;

    /// <summary>Adds two amounts of the same currency.</summary>
    /// <param name="left">An amount.</param>
    /// <param name="right">An amount in the same currency.</param>
    public static Money operator +(Money left, Money right) => left.Add(right);

    /// <summary>Subtracts an amount of the same currency.</summary>
    /// <param name="left">An amount.</param>
    /// <param name="right">An amount in the same currency.</param>
    public static Money operator -(Money left, Money right) => left.Subtract(right);

    /// <summary>Compares amounts of the same currency.</summary>
    /// <param name="left">An amount.</param>
    /// <param name="right">An amount in the same currency.</param>
    public static bool operator <(Money left, Money right) => left.CompareTo(right) < 0;

    /// <summary>Compares amounts of the same currency.</summary>
    /// <param name="left">An amount.</param>
    /// <param name="right">An amount in the same currency.</param>
    public static bool operator >(Money left, Money right) => left.CompareTo(right) > 0;

    /// <summary>Compares amounts of the same currency.</summary>
    /// <param name="left">An amount.</param>
    /// <param name="right">An amount in the same currency.</param>
    public static bool operator <=(Money left, Money right) => left.CompareTo(right) <= 0;

    /// <summary>Compares amounts of the same currency.</summary>
    /// <param name="left">An amount.</param>
    /// <param name="right">An amount in the same currency.</param>
    public static bool operator >=(Money left, Money right) => left.CompareTo(right) >= 0;

    // A new amount in this amount's currency, with TeamUp's display string.
    private Money WithAmount(decimal amount)
    {
        var money = new Money
        {
            Decimal = amount,
            IsoCurrencyCode = IsoCurrencyCode,
            CurrencySymbol = CurrencySymbol,
            CurrencySymbolPosition = CurrencySymbolPosition,
        };
        money.String = money.Format();
        return money;
    }

    private void EnsureSameCurrency(Money other, string operation)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (!IsSameCurrency(other))
        {
            throw new CurrencyMismatchException(operation, IsoCurrencyCode, other.IsoCurrencyCode);
        }
    }
}
