using System.Text.Json.Nodes;

namespace TeamUp.Sandbox;

/// <summary>One row before projection: an invoice, or a line item with its invoice.</summary>
internal sealed record ReportRow(SandboxInvoice Invoice, SandboxLineItem? Line, SandboxCustomer Customer, SandboxProvider Provider)
{
    public SandboxLineItem Item => Line ?? throw new InvalidOperationException("Not a line-item row.");

    public JsonObject Money(decimal amount) => SandboxJson.Money(amount, Provider.Currency);

    public SandboxDiscountCode? DiscountCode =>
        Invoice.Discounts.Count == 0 ? null : Provider.DiscountCodes.First(c => c.Id == Invoice.Discounts[0].DiscountCodeId);

    public SandboxPaymentProcessor? PaymentProcessor =>
        Invoice.PaymentProcessorId is { } id ? Provider.PaymentProcessors.First(p => p.Id == id) : null;

    /// <summary>Reports use their own status enum: no <c>draft</c>, and <c>pending</c> is <c>pending_online</c>.</summary>
    public static string ReportStatus(string invoiceStatus) => invoiceStatus == "pending" ? "pending_online" : invoiceStatus;

    public static readonly string[] ReportStatuses =
        ["open", "paid", "pending_offline", "pending_online", "failed", "voided", "upcoming", "skipped", "retrying", "retry_failed"];

    public static string LineReportType(string lineType) => lineType switch
    {
        "membership_penalty_fee" => "flat_fee",
        "joining_fee" => "membership_purchase",
        "gift_card" => "store_order",
        _ => lineType,
    };

    public static string BilledObject(string billedType) => billedType switch
    {
        "billed_course_session_registration" => "course_session",
        "billed_event_registration" => "event_registration",
        "billed_flat_fee" => "purchase_fee",
        "billed_membership" or "billed_membership_penalty" => "customer_membership",
        "billed_course_registration" => "course",
        "billed_store_product" or "billed_gift_card" => "store_order_item",
        "billed_joining_fee" => "customer_membership_setup",
        _ => "event",
    };
}
