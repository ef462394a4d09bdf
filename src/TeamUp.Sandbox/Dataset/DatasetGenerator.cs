namespace TeamUp.Sandbox;

/// <summary>
/// Builds the seeded dataset. Everything comes from one <see cref="Random"/> seeded by the caller and from a fixed
/// anchor date, never from the wall clock, so the same options always give byte-identical answers.
/// </summary>
internal sealed class DatasetGenerator
{
    private static readonly string[] FirstNames =
    [
        "Alice", "Ben", "Chloe", "Daniel", "Emma", "Finn", "Grace", "Harry", "Isla", "Jack", "Katie", "Liam", "Mia",
        "Noah", "Olivia", "Oscar", "Poppy", "Ruby", "Sam", "Sophie", "Thomas", "Uma", "Victor", "Willow", "Yusuf", "Zara",
    ];

    private static readonly string[] LastNames =
    [
        "Adams", "Brown", "Clarke", "Davies", "Evans", "Fischer", "Garcia", "Hughes", "Ivanova", "Jones", "Khan", "Lopez",
        "Martin", "Novak", "O'Brien", "Patel", "Quinn", "Rossi", "Smith", "Taylor", "Usman", "Virtanen", "Walker", "Young",
    ];

    // Past-due invoices: weights of the statuses an invoice can settle in.
    private static readonly (string Status, int Weight)[] PastStatuses =
    [
        ("paid", 68), ("open", 8), ("voided", 5), ("failed", 5), ("pending_offline", 4), ("pending", 3),
        ("retrying", 2), ("retry_failed", 2), ("skipped", 3),
    ];

    // Line kinds: invoice line type, billed item kind, report purchase type, price range, weight.
    private static readonly (string LineType, string BilledType, string PurchaseType, int Min, int Max, int Weight)[] Kinds =
    [
        ("recurring_plan_membership", "billed_membership", "membership", 30, 120, 22),
        ("prepaid_plan_membership", "billed_membership", "membership", 50, 200, 6),
        ("pack_membership", "billed_membership", "membership", 40, 150, 8),
        ("event_registration", "billed_event_registration", "class", 8, 20, 20),
        ("course", "billed_course_registration", "course", 60, 220, 6),
        ("course_session", "billed_course_session_registration", "course_session", 10, 25, 8),
        ("store_order", "billed_store_product", "store", 3, 60, 12),
        ("flat_fee", "billed_flat_fee", "store", 5, 40, 6),
        ("membership_penalty_fee", "billed_membership_penalty", "membership", 5, 15, 4),
        ("joining_fee", "billed_joining_fee", "membership", 25, 50, 4),
        ("gift_card", "billed_gift_card", "store", 25, 100, 4),
    ];

    private static readonly Dictionary<string, string[]> ItemNames = new()
    {
        ["recurring_plan_membership"] = ["Unlimited Monthly", "Off-Peak Monthly", "Student Monthly"],
        ["prepaid_plan_membership"] = ["Annual Prepaid", "6-Month Prepaid"],
        ["pack_membership"] = ["10 Class Pack", "5 Class Pack", "20 Class Pack"],
        ["event_registration"] = ["Morning Yoga", "HIIT Express", "Spin 45", "Pilates Core", "Boxing Basics"],
        ["course"] = ["Beginners Climbing Course", "8-Week Strength Course", "Swim Improvers"],
        ["course_session"] = ["Course Session: Technique", "Course Session: Drills"],
        ["store_order"] = ["Water Bottle", "Grip Socks", "Protein Bar", "Chalk Bag", "Yoga Mat"],
        ["flat_fee"] = ["Locker Rental", "Towel Service", "Late Cancellation"],
        ["membership_penalty_fee"] = ["Missed Payment Fee", "No-Show Penalty"],
        ["joining_fee"] = ["Joining Fee"],
        ["gift_card"] = ["Gift Card"],
    };

    private static readonly string[] Memos = ["", "Blue", "Size M", "Gift wrap"];

    private readonly TeamUpSandboxOptions _options;
    private readonly Random _rng;
    private readonly DateOnly _anchor;

    public DatasetGenerator(TeamUpSandboxOptions options)
    {
        _options = options;
        _rng = new Random(options.Seed);
        _anchor = options.AnchorDate;
    }

    public SandboxDataset Build()
    {
        var providers = new List<SandboxProvider>();
        var customers = new List<SandboxCustomer>();
        var plans = new List<InvoicePlan>();
        for (var p = 0; p < _options.Providers; p++)
        {
            var provider = BuildProvider(p);
            providers.Add(provider);
            var providerCustomers = BuildCustomers(provider, Share(_options.Customers, p));
            customers.AddRange(providerCustomers);
            PlanInvoices(provider, providerCustomers, Share(_options.Invoices, p), plans);
        }

        // Ids follow creation time, as a real database's would, so id_gt is a sensible cursor.
        var ordered = plans.OrderBy(x => x.CreatedAt).ThenBy(x => x.Sequence).ToList();
        for (var i = 0; i < ordered.Count; i++) ordered[i].Id = 100_001 + i;

        var ids = new IdCounters();
        var invoices = ordered.Select(plan => Materialize(plan, ids)).ToList();
        var byId = invoices.ToDictionary(x => x.Id);
        foreach (var note in invoices.Where(x => x.IsCreditNote))
        {
            var original = byId[note.RefundedInvoiceId!.Value];
            original.CreditNoteIds = [.. original.CreditNoteIds, note.Id];
            original.RefundAmount += -note.TotalAmount;
            original.RefundDate = DateOnly.FromDateTime(note.CreatedAt.UtcDateTime);
        }

        foreach (var provider in providers)
        foreach (var code in provider.DiscountCodes)
            code.Uses = invoices.Count(inv => inv.Discounts.Any(d => d.DiscountCodeId == code.Id));

        return new SandboxDataset(providers, customers, invoices, _anchor);
    }

    private int Share(int total, int index)
    {
        var n = _options.Providers;
        return total / n + (index < total % n ? 1 : 0);
    }

    private SandboxProvider BuildProvider(int index)
    {
        var id = 101 + index;
        var currency = (index % 3) switch { 0 => SandboxCurrency.Gbp, 1 => SandboxCurrency.Eur, _ => SandboxCurrency.Usd };
        // Cities follow the GBP, EUR, USD currency cycle.
        string[] cities = ["London", "Dublin", "Boston", "Manchester", "Lisbon", "Denver"];
        var city = cities[index % cities.Length];
        var provider = new SandboxProvider(
            id,
            $"{city} Fitness Co. {index + 1}",
            currency,
            [new SandboxVenue(id * 10 + 1, $"{city} Central"), new SandboxVenue(id * 10 + 2, $"{city} Riverside")],
            [
                new SandboxPaymentProcessor(id * 10 + 1, 1, "Stripe"),
                new SandboxPaymentProcessor(id * 10 + 2, 2, "GoCardless"),
                new SandboxPaymentProcessor(id * 10 + 3, 0, "Offline payment"),
            ],
            [
                Code(id * 100 + 1, "Welcome 10%", "WELCOME10", "percent", 10m, ["membership", "joining_fee"]),
                Code(id * 100 + 2, "Summer 20%", "SUMMER20", "percent", 20m, ["event", "course", "membership"]),
                Code(id * 100 + 3, "Five off", "FIVEOFF", "flat", 5m, ["event", "store"]),
                Code(id * 100 + 4, "Friends & Family", "FRIENDS15", "percent", 15m, ["event", "course", "membership", "store"]),
            ],
            [
                new SandboxPurchaseFee(id * 10 + 1, "VAT", "Value added tax at 20%", "percent", 20m),
                new SandboxPurchaseFee(id * 10 + 2, "Booking fee", "Flat online booking fee", "flat", 1.5m),
            ]);
        return provider;

        SandboxDiscountCode Code(int codeId, string name, string code, string type, decimal amount, string[] usable) =>
            new(codeId, name, code, type, amount, _anchor.AddMonths(-30), _anchor.AddMonths(6), usable, 10_000, 5, id * 10 + 1, "Promotions");
    }

    private List<SandboxCustomer> BuildCustomers(SandboxProvider provider, int count)
    {
        var list = new List<SandboxCustomer>(count);
        for (var i = 0; i < count; i++)
        {
            var first = FirstNames[_rng.Next(FirstNames.Length)];
            var last = LastNames[_rng.Next(LastNames.Length)];
            var id = provider.Id * 10_000 + i + 1;
            var email = $"{first}.{last}.{id}@example.com".Replace("'", "").ToLowerInvariant();
            list.Add(new SandboxCustomer(id, provider.Id, $"{first} {last}", email, provider.Venues[_rng.Next(provider.Venues.Count)]));
        }

        return list;
    }

    private void PlanInvoices(SandboxProvider provider, List<SandboxCustomer> customers, int count, List<InvoicePlan> plans)
    {
        if (customers.Count == 0) return;
        var windowStart = _anchor.AddMonths(-24);
        var pastDays = _anchor.DayNumber - windowStart.DayNumber;
        var made = 0;
        var number = 0;
        while (made < count)
        {
            var customer = customers[_rng.Next(customers.Count)];
            // A few percent fall due after the anchor: those are the upcoming and draft invoices.
            var future = _rng.NextDouble() < 0.04;
            var due = future ? _anchor.AddDays(_rng.Next(1, 31)) : windowStart.AddDays(_rng.Next(pastDays));
            var status = future ? (_rng.NextDouble() < 0.7 ? "upcoming" : "draft") : Pick(PastStatuses);
            var plan = NewPlan(provider, customer, due, status, ++number);
            plans.Add(plan);
            made++;

            if (status == "paid" && made < count && _rng.NextDouble() < 0.04)
            {
                plans.Add(CreditNoteFor(plan, ++number));
                made++;
            }
        }
    }

    private InvoicePlan NewPlan(SandboxProvider provider, SandboxCustomer customer, DateOnly due, string status, int number)
    {
        var created = At(due.AddDays(-_rng.Next(0, 15)));
        var plan = new InvoicePlan
        {
            Sequence = _sequence++,
            Provider = provider,
            Customer = customer,
            DueDate = due,
            Status = status,
            Number = $"{provider.Id}-{number:000000}",
            LegacyKey = $"inv_{_rng.NextInt64():x16}",
            CreatedAt = created,
        };

        var lineCount = _rng.NextDouble() switch { < 0.6 => 1, < 0.85 => 2, < 0.96 => 3, _ => 4 };
        for (var i = 0; i < lineCount; i++)
        {
            var kind = Kinds[PickIndex(Kinds.Select(k => k.Weight).ToArray())];
            var names = ItemNames[kind.LineType];
            var name = names[_rng.Next(names.Length)];
            var quantity = kind.LineType == "store_order" ? _rng.Next(1, 4) : 1;
            var unit = kind.LineType == "gift_card" ? new[] { 25m, 50m, 100m }[_rng.Next(3)] : _rng.Next(kind.Min * 2, kind.Max * 2 + 1) / 2m;
            plan.Lines.Add(new LinePlan(kind.LineType, kind.BilledType, kind.PurchaseType, name, unit * quantity, quantity));
        }

        plan.Subtotal = plan.Lines.Sum(l => l.Price);

        if (_rng.NextDouble() < 0.25)
        {
            var code = provider.DiscountCodes[_rng.Next(provider.DiscountCodes.Count)];
            var amount = code.DiscountType == "percent" ? Round(plan.Subtotal * code.DiscountAmount / 100m) : Math.Min(code.DiscountAmount, plan.Subtotal);
            if (amount > 0) plan.Discount = (code, amount);
        }

        var taxable = plan.Subtotal - (plan.Discount?.Amount ?? 0);
        var feeRoll = _rng.NextDouble();
        if (feeRoll < 0.35)
        {
            var vat = provider.PurchaseFees[0];
            plan.Tax = (vat, Round(taxable * vat.Rate / 100m));
        }
        else if (feeRoll < 0.45)
        {
            var booking = provider.PurchaseFees[1];
            plan.Tax = (booking, booking.Rate);
        }

        if (_rng.NextDouble() < 0.05) plan.Adjustment = _rng.Next(-10, 11) is var a && a != 0 ? a : 2m;

        var total = taxable + (plan.Tax?.Amount ?? 0) + (plan.Adjustment ?? 0);
        if (total > 0 && _rng.NextDouble() < 0.10) plan.Credit = Math.Min(total, _rng.Next(5, 21));

        if (status is not ("draft" or "upcoming")) plan.ConfirmedAt = created.AddMinutes(_rng.Next(1, 120));
        var processors = provider.PaymentProcessors;
        var processor = status == "pending_offline" ? processors[2] : processors[_rng.NextDouble() switch { < 0.65 => 0, < 0.9 => 1, _ => 2 }];
        plan.Processor = processor;
        if (status == "paid")
        {
            var paid = At(due.AddDays(_rng.Next(0, 4)));
            plan.PaidAt = paid < plan.ConfirmedAt ? plan.ConfirmedAt!.Value.AddMinutes(5) : paid;
            if (processor.Type != 0)
            {
                plan.PayoutDate = DateOnly.FromDateTime(plan.PaidAt.Value.UtcDateTime).AddDays(2);
                plan.Payout = $"po_{provider.Id}_{plan.PayoutDate:yyyyMMdd}";
            }
        }

        plan.UpdatedAt = (plan.PaidAt ?? plan.ConfirmedAt ?? created).AddHours(_rng.Next(0, 48));
        return plan;
    }

    private InvoicePlan CreditNoteFor(InvoicePlan original, int number)
    {
        var created = original.PaidAt!.Value.AddDays(_rng.Next(1, 20)).AddMinutes(_rng.Next(0, 600));
        var note = new InvoicePlan
        {
            Sequence = _sequence++,
            Provider = original.Provider,
            Customer = original.Customer,
            DueDate = DateOnly.FromDateTime(created.UtcDateTime),
            Status = "paid",
            Number = $"{original.Provider.Id}-CN{number:000000}",
            LegacyKey = $"cn_{_rng.NextInt64():x16}",
            CreatedAt = created,
            ConfirmedAt = created.AddMinutes(1),
            PaidAt = created.AddMinutes(2),
            UpdatedAt = created.AddMinutes(3),
            RefundOf = original,
            Processor = original.Processor,
        };

        // A full refund of the first line is what most refunds in the field look like.
        var line = original.Lines[0];
        original.RefundedFirstLine = line.Price;
        note.Lines.Add(line with { Price = -line.Price });
        note.Subtotal = -line.Price;
        return note;
    }

    private SandboxInvoice Materialize(InvoicePlan plan, IdCounters ids)
    {
        var id = plan.Id;
        var discount = plan.Discount?.Amount ?? 0;
        var tax = plan.Tax?.Amount ?? 0;
        var credit = plan.Credit ?? 0;
        var adjustment = plan.Adjustment ?? 0;
        var total = plan.Subtotal - discount + tax + adjustment;
        var due = total - credit;

        var lineDiscounts = Allocate(plan.Lines, discount);
        var lineTaxes = Allocate(plan.Lines, tax);
        var lineCredits = Allocate(plan.Lines, credit);
        var lineAdjustments = Allocate(plan.Lines, adjustment);
        var lines = new List<SandboxLineItem>();
        for (var i = 0; i < plan.Lines.Count; i++)
        {
            var l = plan.Lines[i];
            var billed = BilledItemFor(plan, l, ids);
            int? storeOrder = l.LineType == "store_order" ? plan.StoreOrderId ??= ids.StoreOrder++ : null;
            lines.Add(new SandboxLineItem(
                ids.LineItem++, id, l.LineType, billed, l.Quantity > 1 ? $"{l.Name} x{l.Quantity}" : l.Name,
                l.Price, l.Price - lineDiscounts[i] + lineTaxes[i] + lineAdjustments[i] - lineCredits[i], lineTaxes[i], lineDiscounts[i], lineCredits[i],
                i == 0 ? plan.RefundedFirstLine : 0m, storeOrder));
        }

        var charges = new List<SandboxCharge>();
        var attempted = plan.Status is "failed" or "retrying" or "retry_failed" or "pending" && plan.Processor.Type != 0;
        if (plan.Status == "paid" || attempted)
        {
            var attempts = plan.Status is "retrying" or "retry_failed" ? 2 : 1;
            for (var a = 0; a < attempts; a++)
            {
                var at = (plan.ConfirmedAt ?? plan.CreatedAt).AddDays(a * 3).AddMinutes(10);
                var confirmed = plan.Status == "paid" && a == attempts - 1 ? plan.PaidAt : null;
                charges.Add(new SandboxCharge(ids.Charge++, plan.Processor.Id, due, confirmed ?? at, confirmed));
            }
        }

        return new SandboxInvoice
        {
            Id = id,
            ProviderId = plan.Provider.Id,
            CustomerId = plan.Customer.Id,
            Status = plan.Status,
            DueDate = plan.DueDate,
            CreatedAt = plan.CreatedAt,
            ConfirmedAt = plan.ConfirmedAt,
            PaidAt = plan.PaidAt,
            UpdatedAt = plan.UpdatedAt,
            IsCreditNote = plan.RefundOf is not null,
            RefundedInvoiceId = plan.RefundOf?.Id,
            Number = plan.Number,
            LegacyInvoiceKey = plan.LegacyKey,
            PurchaseType = plan.Lines[0].PurchaseType,
            LineItems = lines,
            Charges = charges,
            Discounts = plan.Discount is { } d ? [new SandboxDiscount(ids.Discount++, d.Code.Id, d.Amount)] : [],
            Adjustments = plan.Adjustment is { } adj ? [new SandboxAdjustment(ids.Adjustment++, adj)] : [],
            AppliedCredits = plan.Credit is { } c ? [new SandboxAppliedCredit(ids.Credit++, c)] : [],
            Taxes = plan.Tax is { } t ? [new SandboxTax(ids.Tax++, t.Fee.Id, t.Amount)] : [],
            SubtotalAmount = plan.Subtotal,
            DiscountAmount = discount,
            TaxAmount = tax,
            CreditAmount = credit,
            AdjustmentAmount = adjustment,
            TotalAmount = total,
            TotalAmountDue = due,
            PaymentProcessorId = plan.Status is "draft" or "upcoming" ? null : plan.Processor.Id,
            Payout = plan.Payout,
            PayoutDate = plan.PayoutDate,
        };
    }

    private SandboxBilledItem BilledItemFor(InvoicePlan plan, LinePlan line, IdCounters ids)
    {
        // One membership per customer and plan name, so customer_memberships can filter on a stable id.
        if (line.BilledType == "billed_membership")
        {
            var key = (plan.Customer.Id, line.Name);
            if (!ids.Memberships.TryGetValue(key, out var membership))
                ids.Memberships[key] = membership = new SandboxBilledItem(ids.BilledItem++, line.BilledType, line.Name);
            return membership;
        }

        return line.BilledType == "billed_store_product"
            ? new SandboxBilledItem(ids.BilledItem++, line.BilledType, line.Name, line.Quantity, Memos[line.Quantity % Memos.Length])
            : new SandboxBilledItem(ids.BilledItem++, line.BilledType, line.Name);
    }

    private static decimal[] Allocate(List<LinePlan> lines, decimal amount)
    {
        var result = new decimal[lines.Count];
        var basis = lines.Sum(l => Math.Abs(l.Price));
        if (amount == 0 || basis == 0) return result;
        var left = amount;
        for (var i = 0; i < lines.Count - 1; i++)
        {
            result[i] = Round(amount * Math.Abs(lines[i].Price) / basis);
            left -= result[i];
        }

        result[^1] = left;
        return result;
    }

    private DateTimeOffset At(DateOnly day) =>
        new DateTimeOffset(day.ToDateTime(TimeOnly.MinValue), TimeSpan.Zero).AddSeconds(_rng.Next(6 * 3600, 22 * 3600));

    private string Pick((string Status, int Weight)[] weighted) => weighted[PickIndex(weighted.Select(w => w.Weight).ToArray())].Status;

    private int PickIndex(int[] weights)
    {
        var roll = _rng.Next(weights.Sum());
        for (var i = 0; i < weights.Length; i++)
        {
            if (roll < weights[i]) return i;
            roll -= weights[i];
        }

        return weights.Length - 1;
    }

    private static decimal Round(decimal value) => Math.Round(value, 2, MidpointRounding.AwayFromZero);

    private int _sequence;

    private sealed record LinePlan(string LineType, string BilledType, string PurchaseType, string Name, decimal Price, int Quantity);

    private sealed class InvoicePlan
    {
        public int Id;
        public int Sequence;
        public required SandboxProvider Provider;
        public required SandboxCustomer Customer;
        public DateOnly DueDate;
        public required string Status;
        public required string Number;
        public required string LegacyKey;
        public DateTimeOffset CreatedAt;
        public DateTimeOffset? ConfirmedAt;
        public DateTimeOffset? PaidAt;
        public DateTimeOffset UpdatedAt;
        public List<LinePlan> Lines { get; } = [];
        public decimal Subtotal;
        public (SandboxDiscountCode Code, decimal Amount)? Discount;
        public (SandboxPurchaseFee Fee, decimal Amount)? Tax;
        public decimal? Adjustment;
        public decimal? Credit;
        public SandboxPaymentProcessor Processor = null!;
        public string? Payout;
        public DateOnly? PayoutDate;
        public InvoicePlan? RefundOf;
        public int? StoreOrderId;
        public decimal RefundedFirstLine;
    }

    private sealed class IdCounters
    {
        public int LineItem = 500_001;
        public int BilledItem = 700_001;
        public int Charge = 300_001;
        public int Discount = 1_001;
        public int Adjustment = 2_001;
        public int Credit = 3_001;
        public int Tax = 4_001;
        public int StoreOrder = 90_001;
        public Dictionary<(int, string), SandboxBilledItem> Memberships { get; } = [];
    }
}
