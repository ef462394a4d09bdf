namespace TeamUp.Sandbox;

/// <summary>How a provider's money is written: TeamUp sends both the number and a display string.</summary>
public sealed record SandboxCurrency(string IsoCode, string Symbol, string SymbolPosition)
{
    public static SandboxCurrency Gbp { get; } = new("gbp", "£", "before");
    public static SandboxCurrency Eur { get; } = new("eur", "€", "after");
    public static SandboxCurrency Usd { get; } = new("usd", "$", "before");

    /// <summary>"£1,234.50", "-£5", "1,234.50 €": the same rule as the SDK's <c>Money.Format</c> (whole amounts drop the decimals, as in the docs' "£45").</summary>
    public string Format(decimal amount)
    {
        var magnitude = Math.Abs(amount);
        var digits = magnitude.ToString(magnitude == decimal.Truncate(magnitude) ? "#,##0" : "#,##0.00", System.Globalization.CultureInfo.InvariantCulture);
        var sign = amount < 0 ? "-" : "";
        return SymbolPosition == "after" ? $"{sign}{digits} {Symbol}" : $"{sign}{Symbol}{digits}";
    }
}

public sealed record SandboxVenue(int Id, string Name);

public sealed record SandboxPaymentProcessor(int Id, int Type, string Name);

public sealed record SandboxPurchaseFee(int Id, string Name, string Description, string Type, decimal Rate);

public sealed record SandboxDiscountCode(
    int Id, string Name, string Code, string DiscountType, decimal DiscountAmount,
    DateOnly UsableStartDate, DateOnly UsableEndDate, IReadOnlyList<string> UsablePurchaseTypes,
    int AllowedUses, int AllowedUsesPerCustomer, int GroupId, string GroupName)
{
    /// <summary>How often the seeded invoices used the code (filled in once the dataset is built).</summary>
    public int Uses { get; internal set; }
}

public sealed record SandboxProvider(
    int Id, string Name, SandboxCurrency Currency,
    IReadOnlyList<SandboxVenue> Venues,
    IReadOnlyList<SandboxPaymentProcessor> PaymentProcessors,
    IReadOnlyList<SandboxDiscountCode> DiscountCodes,
    IReadOnlyList<SandboxPurchaseFee> PurchaseFees);

public sealed record SandboxCustomer(int Id, int ProviderId, string Name, string Email, SandboxVenue Venue);

/// <summary>The thing a line item bills for; <see cref="Type"/> is one of the nine <c>billed_*</c> kinds.</summary>
public sealed record SandboxBilledItem(int Id, string Type, string Name, int? Quantity = null, string? Memo = null);

public sealed record SandboxLineItem(
    int Id, int InvoiceId, string Type, SandboxBilledItem BilledItem, string Description,
    decimal Price, decimal TotalAmountDue, decimal TaxAmount, decimal DiscountAmount, decimal CreditAmount,
    decimal RefundAmount, int? StoreOrderId);

public sealed record SandboxCharge(int Id, int PaymentProcessorId, decimal Amount, DateTimeOffset CreatedAt, DateTimeOffset? ConfirmedAt);

public sealed record SandboxDiscount(int Id, int DiscountCodeId, decimal Amount);

public sealed record SandboxAdjustment(int Id, decimal Amount);

public sealed record SandboxAppliedCredit(int Id, decimal Amount);

public sealed record SandboxTax(int Id, int PurchaseFeeId, decimal Amount);

/// <summary>
/// One seeded invoice (or credit note) with everything the endpoints derive their answers from. Immutable: activity
/// (<see cref="SandboxActivity"/>) replaces an invoice with a changed copy, so a response being written never sees
/// half a change.
/// </summary>
public sealed record SandboxInvoice
{
    public required int Id { get; init; }
    public required int ProviderId { get; init; }
    public required int CustomerId { get; init; }
    /// <summary>Invoice-object status (<c>pending</c>, <c>draft</c>...); reports map <c>pending</c> to <c>pending_online</c>.</summary>
    public required string Status { get; init; }
    public required DateOnly DueDate { get; init; }
    public required DateTimeOffset CreatedAt { get; init; }
    public DateTimeOffset? ConfirmedAt { get; init; }
    public DateTimeOffset? PaidAt { get; init; }
    public required DateTimeOffset UpdatedAt { get; init; }
    public bool IsCreditNote { get; init; }
    public int? RefundedInvoiceId { get; init; }
    public required string Number { get; init; }
    public required string LegacyInvoiceKey { get; init; }
    /// <summary>Report purchase type: class, course, course_session, membership or store.</summary>
    public required string PurchaseType { get; init; }
    public required IReadOnlyList<SandboxLineItem> LineItems { get; init; }
    public required IReadOnlyList<SandboxCharge> Charges { get; init; }
    public required IReadOnlyList<SandboxDiscount> Discounts { get; init; }
    public required IReadOnlyList<SandboxAdjustment> Adjustments { get; init; }
    public required IReadOnlyList<SandboxAppliedCredit> AppliedCredits { get; init; }
    public required IReadOnlyList<SandboxTax> Taxes { get; init; }
    public IReadOnlyList<int> CreditNoteIds { get; internal set; } = [];
    public required decimal SubtotalAmount { get; init; }
    public required decimal DiscountAmount { get; init; }
    public required decimal TaxAmount { get; init; }
    public required decimal CreditAmount { get; init; }
    public required decimal AdjustmentAmount { get; init; }
    /// <summary>Subtotal - discount + tax + adjustment.</summary>
    public required decimal TotalAmount { get; init; }
    /// <summary>Total less applied credits.</summary>
    public required decimal TotalAmountDue { get; init; }
    public decimal RefundAmount { get; internal set; }
    public DateOnly? RefundDate { get; internal set; }
    public int? PaymentProcessorId { get; init; }
    public string? Payout { get; init; }
    public DateOnly? PayoutDate { get; init; }
}
