namespace TeamUp.Generated;

/// <summary>LINQ-style sums over TeamUp money.</summary>
public static class MoneyEnumerable
{
    /// <summary>Sums amounts that must all be in one currency.</summary>
    /// <param name="amounts">The amounts (at least one).</param>
    /// <exception cref="CurrencyMismatchException">Two amounts are in different currencies.</exception>
    public static Money Sum(this IEnumerable<Money> amounts) => Money.Sum(amounts);

    /// <summary>Sums a money selector over items that must all be in one currency.</summary>
    /// <typeparam name="T">The item type.</typeparam>
    /// <param name="items">The items (at least one).</param>
    /// <param name="selector">Picks the amount.</param>
    public static Money Sum<T>(this IEnumerable<T> items, Func<T, Money> selector) => Money.Sum(items.Select(selector));
}
