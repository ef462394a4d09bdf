namespace TeamUp.Sandbox;

/// <summary>Turns the documented filter parameters into a row predicate, validating each as it goes.</summary>
internal static class ReportFilters
{
    private static readonly string[] PurchaseTypes = ["class", "course", "course_session", "membership", "store"];

    private static readonly string[] Timeframes =
        ["today", "yesterday", "this_week", "last_week", "this_month", "last_month", "this_year", "last_year", "last_7_days", "last_30_days", "last_90_days", "last_365_days"];

    public static Func<ReportRow, bool> ForInvoices(ParamBag p, DateOnly today)
    {
        var filters = new List<Func<ReportRow, bool>>();
        Statuses(p, "status", filters);
        if (p.GetIntList("customers") is { } customers) filters.Add(r => customers.Contains(r.Customer.Id));
        if (p.GetIntList("payment_processors") is { } processors)
            filters.Add(r => r.Invoice.PaymentProcessorId is { } id && processors.Contains(id));
        if (p.GetList("purchase_types") is { } types)
        {
            foreach (var t in types.Where(t => !PurchaseTypes.Contains(t)))
                throw ApiError.Invalid("purchase_types", $"\"{t}\" is not a valid choice; use one of {string.Join(", ", PurchaseTypes)}.");
            filters.Add(r => types.Contains(r.Invoice.PurchaseType));
        }

        if (p.GetIntList("customer_memberships") is { } memberships)
            filters.Add(r => r.Invoice.LineItems.Any(l => l.BilledItem.Type == "billed_membership" && memberships.Contains(l.BilledItem.Id)));
        if (p.GetInt("id_gt") is { } idGt) filters.Add(r => r.Invoice.Id > idGt);
        DateRange(p, "due_date", r => r.Invoice.DueDate, filters);
        Timeframe(p, "due_date_timeframe", today, r => r.Invoice.DueDate, filters);
        Timeframe(p, "paid_at_timeframe", today, r => r.Invoice.PaidAt is { } t ? DateOnly.FromDateTime(t.UtcDateTime) : null, filters);
        TimeRange(p, "confirmed_at", r => r.Invoice.ConfirmedAt, filters);
        TimeRange(p, "paid_at", r => r.Invoice.PaidAt, filters);
        TimeRange(p, "updated_at", r => r.Invoice.UpdatedAt, filters);
        if (p.GetBool("discount_applied") is { } discount) filters.Add(r => r.Invoice.Discounts.Count > 0 == discount);
        if (p.GetBool("credit_applied") is { } credit) filters.Add(r => r.Invoice.AppliedCredits.Count > 0 == credit);
        return r => filters.TrueForAll(f => f(r));
    }

    public static Func<ReportRow, bool> ForLineItems(ParamBag p, DateOnly today)
    {
        var filters = new List<Func<ReportRow, bool>>();
        if (p.GetInt("id_gt") is { } idGt) filters.Add(r => r.Item.Id > idGt);
        Statuses(p, "invoice_status", filters);
        DateRange(p, "invoice_due_date", r => r.Invoice.DueDate, filters);
        TimeRange(p, "invoice_confirmed_at", r => r.Invoice.ConfirmedAt, filters);
        TimeRange(p, "invoice_paid_at", r => r.Invoice.PaidAt, filters);
        TimeRange(p, "invoice_updated_at", r => r.Invoice.UpdatedAt, filters);
        return r => filters.TrueForAll(f => f(r));
    }

    private static void Statuses(ParamBag p, string name, List<Func<ReportRow, bool>> filters)
    {
        if (p.GetList(name) is not { } statuses) return;
        foreach (var s in statuses.Where(s => !ReportRow.ReportStatuses.Contains(s)))
            throw ApiError.Invalid(name, $"\"{s}\" is not a valid status; use one of {string.Join(", ", ReportRow.ReportStatuses)}.");
        filters.Add(r => statuses.Contains(ReportRow.ReportStatus(r.Invoice.Status)));
    }

    private static void DateRange(ParamBag p, string field, Func<ReportRow, DateOnly?> value, List<Func<ReportRow, bool>> filters)
    {
        if (p.GetDate($"{field}_gte") is { } gte) filters.Add(r => value(r) >= gte);
        if (p.GetDate($"{field}_lte") is { } lte) filters.Add(r => value(r) <= lte);
    }

    private static void TimeRange(ParamBag p, string field, Func<ReportRow, DateTimeOffset?> value, List<Func<ReportRow, bool>> filters)
    {
        if (p.GetDateTime($"{field}_gte") is { } gte) filters.Add(r => value(r) >= gte);
        if (p.GetDateTime($"{field}_lte") is { } lte) filters.Add(r => value(r) <= lte);
    }

    /// <summary>Relative windows count from the dataset's anchor date: the sandbox's frozen "today".</summary>
    private static void Timeframe(ParamBag p, string name, DateOnly today, Func<ReportRow, DateOnly?> value, List<Func<ReportRow, bool>> filters)
    {
        var raw = p.Get(name);
        if (raw is null) return;
        var monday = today.AddDays(-(((int)today.DayOfWeek + 6) % 7));
        var month = new DateOnly(today.Year, today.Month, 1);
        (DateOnly From, DateOnly To) range = raw switch
        {
            "today" => (today, today),
            "yesterday" => (today.AddDays(-1), today.AddDays(-1)),
            "this_week" => (monday, monday.AddDays(6)),
            "last_week" => (monday.AddDays(-7), monday.AddDays(-1)),
            "this_month" => (month, month.AddMonths(1).AddDays(-1)),
            "last_month" => (month.AddMonths(-1), month.AddDays(-1)),
            "this_year" => (new DateOnly(today.Year, 1, 1), new DateOnly(today.Year, 12, 31)),
            "last_year" => (new DateOnly(today.Year - 1, 1, 1), new DateOnly(today.Year - 1, 12, 31)),
            "last_7_days" => (today.AddDays(-6), today),
            "last_30_days" => (today.AddDays(-29), today),
            "last_90_days" => (today.AddDays(-89), today),
            "last_365_days" => (today.AddDays(-364), today),
            _ => throw ApiError.Invalid(name, $"\"{raw}\" is not a valid timeframe; use one of {string.Join(", ", Timeframes)}."),
        };
        filters.Add(r => value(r) is { } v && v >= range.From && v <= range.To);
    }
}
