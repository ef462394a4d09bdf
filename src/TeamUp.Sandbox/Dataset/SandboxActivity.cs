using System.Globalization;

namespace TeamUp.Sandbox;

/// <summary>What a change did, for logs and tests.</summary>
/// <param name="Kind"><c>paid</c>, <c>voided</c>, <c>amount_changed</c> or <c>added</c>.</param>
/// <param name="Invoice">The invoice after the change.</param>
public sealed record SandboxChange(string Kind, SandboxInvoice Invoice)
{
    public override string ToString() => Kind switch
    {
        "added" => $"invoice {Invoice.Id} added ({Invoice.Status}, due {Invoice.TotalAmountDue.ToString(CultureInfo.InvariantCulture)})",
        "amount_changed" => $"invoice {Invoice.Id} amount changed (due {Invoice.TotalAmountDue.ToString(CultureInfo.InvariantCulture)})",
        _ => $"invoice {Invoice.Id} {Kind}",
    };
}

/// <summary>
/// Invoice activity on a running sandbox: pay, void, change an amount, add an invoice. Each change sets the invoice's
/// <c>updated_at</c> to the sandbox clock's now (what the invoices report shows and filters on), and keeps the amounts
/// consistent (a changed amount is booked as an adjustment, so subtotal - discount + tax + adjustment is still the
/// total). <c>teamup sandbox serve --activity N</c> makes about N random changes a minute.
/// </summary>
public sealed class SandboxActivity
{
    private readonly SandboxDataset _data;
    private readonly TimeProvider _time;

    internal SandboxActivity(SandboxDataset data, TimeProvider time)
    {
        _data = data;
        _time = time;
    }

    /// <summary>Marks an invoice paid now, with a confirmed charge of its amount due.</summary>
    public SandboxChange Pay(int invoiceId) => new("paid", _data.Change(all =>
    {
        var invoice = Find(all, invoiceId);
        var now = Now(invoice);
        var provider = _data.Provider(invoice.ProviderId);
        var processor = invoice.PaymentProcessorId ?? provider.PaymentProcessors[0].Id;
        var chargeId = all.SelectMany(i => i.Charges).Select(c => c.Id).DefaultIfEmpty(300_000).Max() + 1;
        return invoice with
        {
            Status = "paid",
            PaidAt = now,
            ConfirmedAt = invoice.ConfirmedAt ?? now,
            UpdatedAt = now,
            PaymentProcessorId = processor,
            Charges = [.. invoice.Charges, new SandboxCharge(chargeId, processor, invoice.TotalAmountDue, now, now)],
        };
    }));

    /// <summary>Voids an invoice.</summary>
    public SandboxChange Void(int invoiceId) => new("voided", _data.Change(all =>
    {
        var invoice = Find(all, invoiceId);
        return invoice with { Status = "voided", UpdatedAt = Now(invoice) };
    }));

    /// <summary>Changes what an invoice's total comes to, booked as an adjustment of the difference.</summary>
    public SandboxChange SetAmountDue(int invoiceId, decimal totalAmountDue) => new("amount_changed", _data.Change(all =>
    {
        var invoice = Find(all, invoiceId);
        var delta = totalAmountDue - invoice.TotalAmountDue;
        var adjustmentId = all.SelectMany(i => i.Adjustments).Select(a => a.Id).DefaultIfEmpty(2_000).Max() + 1;
        return invoice with
        {
            Adjustments = [.. invoice.Adjustments, new SandboxAdjustment(adjustmentId, delta)],
            AdjustmentAmount = invoice.AdjustmentAmount + delta,
            TotalAmount = invoice.TotalAmount + delta,
            TotalAmountDue = totalAmountDue,
            UpdatedAt = Now(invoice),
        };
    }));

    /// <summary>
    /// Adds an invoice for <paramref name="providerId"/> (the first provider by default): a copy of that provider's
    /// latest invoice's first line, due in a week, in <paramref name="status"/> (<c>open</c> or <c>draft</c>, say).
    /// </summary>
    public SandboxChange Add(int? providerId = null, string status = "open") => new("added", _data.Change(all =>
    {
        var provider = providerId ?? _data.Providers[0].Id;
        var template = all.LastOrDefault(i => i.ProviderId == provider && !i.IsCreditNote && i.LineItems.Count > 0)
            ?? throw new InvalidOperationException($"Provider {provider} has no invoice to model a new one on.");
        var id = all.Select(i => i.Id).DefaultIfEmpty(0).Max() + 1;
        var lineId = all.SelectMany(i => i.LineItems).Select(l => l.Id).DefaultIfEmpty(500_000).Max() + 1;
        var line = template.LineItems[0] with
        {
            Id = lineId, InvoiceId = id, TotalAmountDue = template.LineItems[0].Price, TaxAmount = 0, DiscountAmount = 0, CreditAmount = 0,
            RefundAmount = 0,
        };
        var now = _time.GetUtcNow();
        return new SandboxInvoice
        {
            Id = id,
            ProviderId = provider,
            CustomerId = template.CustomerId,
            Status = status,
            DueDate = DateOnly.FromDateTime(now.UtcDateTime).AddDays(7),
            CreatedAt = now,
            ConfirmedAt = status is "draft" or "upcoming" ? null : now,
            UpdatedAt = now,
            Number = $"{provider}-A{id:000000}",
            LegacyInvoiceKey = $"inv_added_{id:x8}",
            PurchaseType = template.PurchaseType,
            LineItems = [line],
            Charges = [],
            Discounts = [],
            Adjustments = [],
            AppliedCredits = [],
            Taxes = [],
            SubtotalAmount = line.Price,
            DiscountAmount = 0,
            TaxAmount = 0,
            CreditAmount = 0,
            AdjustmentAmount = 0,
            TotalAmount = line.Price,
            TotalAmountDue = line.Price,
            PaymentProcessorId = status is "draft" or "upcoming" ? null : template.PaymentProcessorId,
        };
    }));

    /// <summary>
    /// One random change of the kind a live studio sees: an open or pending invoice paid (40%), one voided (15%), an
    /// open invoice's amount edited (20%), or a new invoice (25%).
    /// </summary>
    public SandboxChange Random(Random random)
    {
        ArgumentNullException.ThrowIfNull(random);
        var roll = random.Next(100);
        var open = _data.Invoices.Where(i => i.Status is "open" or "pending" or "pending_offline" or "failed" && !i.IsCreditNote).ToList();
        if (open.Count == 0 || roll >= 75)
        {
            return Add(_data.Providers[random.Next(_data.Providers.Count)].Id, random.Next(5) == 0 ? "draft" : "open");
        }
        var target = open[random.Next(open.Count)];
        return roll switch
        {
            < 40 => Pay(target.Id),
            < 55 => Void(target.Id),
            _ => SetAmountDue(target.Id, Math.Max(1, target.TotalAmountDue + random.Next(-5, 6))),
        };
    }

    private static SandboxInvoice Find(IReadOnlyList<SandboxInvoice> all, int id) =>
        all.FirstOrDefault(i => i.Id == id) ?? throw new ArgumentException($"The sandbox has no invoice {id}.", nameof(id));

    /// <summary>The clock's now, but never at or before the invoice's last update: <c>updated_at</c> only moves forward.</summary>
    private DateTimeOffset Now(SandboxInvoice invoice)
    {
        var now = _time.GetUtcNow();
        return now > invoice.UpdatedAt ? now : invoice.UpdatedAt.AddMilliseconds(1);
    }
}
