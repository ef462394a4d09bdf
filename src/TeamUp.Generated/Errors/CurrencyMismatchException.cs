namespace TeamUp.Generated;

/// <summary>Two amounts in different currencies were added, subtracted or compared.</summary>
public sealed class CurrencyMismatchException : InvalidOperationException
{
    /// <summary>Creates the exception.</summary>
    /// <param name="operation">What was attempted.</param>
    /// <param name="left">The first currency.</param>
    /// <param name="right">The second currency.</param>
    public CurrencyMismatchException(string operation, string? left, string? right)
        : base($"Cannot {operation} money in different currencies: {left?.ToUpperInvariant()} and {right?.ToUpperInvariant()}.")
    {
        LeftCurrency = left;
        RightCurrency = right;
    }

    /// <summary>The first currency.</summary>
    public string? LeftCurrency { get; }

    /// <summary>The second currency.</summary>
    public string? RightCurrency { get; }
}
