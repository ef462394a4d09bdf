using Newtonsoft.Json;

namespace TeamUp.IntegrationTests;

/// <summary>The four report data endpoints through the SDK: columns, every filter family, sort, both paging styles, grouping.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class ReportTests(SharedSandbox shared)
{
    private readonly TeamUpSandbox _sandbox = shared.Sandbox;
    private readonly SandboxDataset _data = shared.Data;

    private static readonly InvoicesReportColumn[] InvoiceColumns =
    [
        InvoicesReportColumn.Id, InvoicesReportColumn.DueDate, InvoicesReportColumn.Status, InvoicesReportColumn.CustomerDotId,
        InvoicesReportColumn.TotalAmount, InvoicesReportColumn.PaidAt, InvoicesReportColumn.ConfirmedAt, InvoicesReportColumn.UpdatedAt,
        InvoicesReportColumn.PurchaseType, InvoicesReportColumn.PaymentProcessor, InvoicesReportColumn.DiscountCodeDotCode,
    ];

    private static readonly InvoiceLineItemsReportColumn[] LineColumns =
    [
        InvoiceLineItemsReportColumn.Id, InvoiceLineItemsReportColumn.InvoiceDotId, InvoiceLineItemsReportColumn.Type,
        InvoiceLineItemsReportColumn.Amount, InvoiceLineItemsReportColumn.Description, InvoiceLineItemsReportColumn.InvoiceDotStatus,
        InvoiceLineItemsReportColumn.InvoiceDotPaidAt, InvoiceLineItemsReportColumn.BilledItem,
    ];

    internal static string Json(object? value) => JsonConvert.SerializeObject(value);

    private void AssertInvoiceRows(IEnumerable<SandboxInvoice> expected, IReadOnlyList<InvoicesReportRow> rows)
    {
        var list = expected.ToList();
        Assert.Equal(list.Select(i => i.Id), rows.Select(r => r.Id!.Value));
        for (var n = 0; n < list.Count; n++)
        {
            var (truth, row) = (list[n], rows[n]);
            Assert.Equal(truth.DueDate, row.DueDate);
            Assert.Equal(Truth.ReportStatus(truth.Status), row.Status.ToString());
            Assert.Equal(truth.CustomerId, row.Customer!.Id);
            Assert.Equal(truth.TotalAmount, row.TotalAmount!.Decimal);
            Assert.Equal(DocumentedMoney.Of(truth.TotalAmount, _data.Provider(truth.ProviderId).Currency.IsoCode), row.TotalAmount.String);
            Assert.Equal(Truth.Seconds(truth.PaidAt), row.PaidAt);
            Assert.Equal(Truth.Seconds(truth.ConfirmedAt), row.ConfirmedAt);
            Assert.Equal(Truth.Seconds(truth.UpdatedAt), row.UpdatedAt);
            Assert.Equal(truth.PurchaseType, row.PurchaseType);
            Assert.Equal(_data.Processor(truth)?.Name, row.PaymentProcessor);
            var code = truth.Discounts.Count == 0 ? null : _data.Provider(truth.ProviderId).DiscountCodes.First(c => c.Id == truth.Discounts[0].DiscountCodeId).Code;
            Assert.Equal(code, row.DiscountCode?.Code);
        }
    }

    [Fact]
    public async Task Invoices_rows_with_columns_are_the_datasets_report_invoices()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);

        var rows = await client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery { Columns = InvoiceColumns, PageSize = 40 }).ToListAsync();

        AssertInvoiceRows(_data.ReportInvoices(shared.Provider1), rows);
        // Only the asked columns come back.
        Each.Of(rows, r => Assert.Null(r.Number));
        Each.Of(rows, r => Assert.Null(r.Customer!.Name));
    }

    /// <summary>A filter family: how to set it on the query, and which invoices it keeps.</summary>
    private (Action<InvoicesReportQuery> Set, Func<SandboxInvoice, bool> Keep) InvoiceFilter(string name)
    {
        var all = _data.ReportInvoices(shared.Provider1).ToList();
        var provider = _data.Provider(shared.Provider1);
        var paid = all.Where(i => i.PaidAt is not null).OrderBy(i => i.PaidAt).ToList();
        var confirmed = all.Where(i => i.ConfirmedAt is not null).OrderBy(i => i.ConfirmedAt).ToList();
        var byUpdate = all.OrderBy(i => i.UpdatedAt).ToList();
        var customers = all.Select(i => i.CustomerId).Distinct().Order().Take(5).ToArray();
        switch (name)
        {
            case "status":
                return (q => q.Status = ReportInvoiceStatus.Paid, i => i.Status == "paid");
            case "status pending_online":
                return (q => q.Status = ReportInvoiceStatus.PendingOnline, i => i.Status == "pending");
            case "customers":
                return (q => q.Customers = customers, i => customers.Contains(i.CustomerId));
            case "payment_processors":
                var gocardless = provider.PaymentProcessors[1].Id;
                return (q => q.PaymentProcessors = [gocardless], i => i.PaymentProcessorId == gocardless);
            case "purchase_types":
                return (q => q.PurchaseTypes = [PurchaseType.Class, PurchaseType.Store], i => i.PurchaseType is "class" or "store");
            case "id_gt":
                var middle = all[all.Count / 2].Id;
                return (q => q.IdGt = middle, i => i.Id > middle);
            case "due_date range":
                var from = all.Min(i => i.DueDate).AddMonths(6);
                var to = from.AddMonths(3);
                return (q => { q.DueDateGte = from; q.DueDateLte = to; }, i => i.DueDate >= from && i.DueDate <= to);
            case "paid_at range with offsets":
                // Bounds are exact instants of seeded payments, written in other offsets: inclusive on both ends.
                var low = Truth.Seconds(paid[paid.Count / 4].PaidAt)!.Value;
                var high = Truth.Seconds(paid[paid.Count / 2].PaidAt)!.Value;
                return (q => { q.PaidAtGte = low.ToOffset(TimeSpan.FromHours(2)); q.PaidAtLte = high.ToOffset(TimeSpan.FromHours(-5)); },
                    i => i.PaidAt >= low && i.PaidAt <= high);
            case "confirmed_at range":
                var c1 = Truth.Seconds(confirmed[confirmed.Count / 3].ConfirmedAt)!.Value;
                var c2 = Truth.Seconds(confirmed[2 * confirmed.Count / 3].ConfirmedAt)!.Value.ToOffset(TimeSpan.FromMinutes(330));
                return (q => { q.ConfirmedAtGte = c1; q.ConfirmedAtLte = c2; }, i => i.ConfirmedAt >= c1 && i.ConfirmedAt <= c2);
            case "updated_at from":
                var u = Truth.Seconds(byUpdate[byUpdate.Count * 3 / 4].UpdatedAt)!.Value.ToOffset(TimeSpan.FromHours(1));
                return (q => q.UpdatedAtGte = u, i => i.UpdatedAt >= u);
            case "discount_applied":
                return (q => q.DiscountApplied = true, i => i.Discounts.Count > 0);
            case "credit_applied false":
                return (q => q.CreditApplied = false, i => i.AppliedCredits.Count == 0);
            case "due_date_timeframe":
                var anchor = _data.AnchorDate;
                return (q => q.DueDateTimeframe = "last_90_days", i => i.DueDate >= anchor.AddDays(-89) && i.DueDate <= anchor);
            case "combined":
                return (q => { q.Status = ReportInvoiceStatus.Paid; q.PurchaseTypes = [PurchaseType.Membership]; q.DiscountApplied = false; },
                    i => i.Status == "paid" && i.PurchaseType == "membership" && i.Discounts.Count == 0);
            default:
                throw new ArgumentOutOfRangeException(nameof(name), name, null);
        }
    }

    [Theory]
    [InlineData("status")]
    [InlineData("status pending_online")]
    [InlineData("customers")]
    [InlineData("payment_processors")]
    [InlineData("purchase_types")]
    [InlineData("id_gt")]
    [InlineData("due_date range")]
    [InlineData("paid_at range with offsets")]
    [InlineData("confirmed_at range")]
    [InlineData("updated_at from")]
    [InlineData("discount_applied")]
    [InlineData("credit_applied false")]
    [InlineData("due_date_timeframe")]
    [InlineData("combined")]
    public async Task Invoices_report_filters_keep_exactly_the_matching_invoices(string filter)
    {
        using var client = Clients.For(_sandbox, shared.Provider1);
        var (set, keep) = InvoiceFilter(filter);
        var query = new InvoicesReportQuery { Columns = InvoiceColumns, PageSize = 100 };
        set(query);

        var rows = await client.Reports.GetInvoicesRowsAsync(query).ToListAsync();

        var expected = _data.ReportInvoices(shared.Provider1).Where(keep).ToList();
        Assert.NotEmpty(expected);
        Assert.True(expected.Count < _data.ReportInvoices(shared.Provider1).Count(), "the filter should drop something");
        AssertInvoiceRows(expected, rows);
    }

    [Fact]
    public async Task Invoices_report_sorts_on_several_columns_both_ways()
    {
        using var client = Clients.For(_sandbox, shared.Provider2);

        var rows = await client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery
        {
            Columns = InvoiceColumns, Sort = ["purchase_type", "-total_amount", "id"], PageSize = 100,
        }).ToListAsync();

        var expected = _data.ReportInvoices(shared.Provider2)
            .OrderBy(i => i.PurchaseType, StringComparer.Ordinal).ThenByDescending(i => i.TotalAmount).ThenBy(i => i.Id);
        AssertInvoiceRows(expected, rows);
    }

    [Fact]
    public async Task Line_item_rows_and_their_filters_match_the_dataset()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);
        var lines = _data.ReportLines(shared.Provider1).ToList();
        var paid = lines.Where(x => x.Invoice.PaidAt is not null).Select(x => Truth.Seconds(x.Invoice.PaidAt)!.Value).Order().ToList();
        var low = paid[paid.Count / 5];
        var high = paid[paid.Count * 4 / 5];
        var due = lines.Select(x => x.Invoice.DueDate).Order().ToList();
        var dueFrom = due[due.Count / 3];
        var idGt = lines[lines.Count / 4].Line.Id;

        var all = await client.Reports.GetInvoiceLineItemsRowsAsync(new InvoiceLineItemsReportQuery { Columns = LineColumns, PageSize = 64 }).ToListAsync();
        var filtered = await client.Reports.GetInvoiceLineItemsRowsAsync(new InvoiceLineItemsReportQuery
        {
            Columns = LineColumns,
            PageSize = 100,
            InvoiceStatus = ReportInvoiceStatus.Paid,
            InvoicePaidAtGte = low.ToOffset(TimeSpan.FromHours(9)),
            InvoicePaidAtLte = high.ToOffset(TimeSpan.FromHours(-3)),
            InvoiceDueDateGte = dueFrom,
            IdGt = idGt,
            Sort = ["-amount", "id"],
        }).ToListAsync();

        void Check(IEnumerable<(SandboxInvoice Invoice, SandboxLineItem Line)> expected, List<InvoiceLineItemsReportRow> rows)
        {
            var list = expected.ToList();
            Assert.Equal(list.Select(x => x.Line.Id), rows.Select(r => r.Id!.Value));
            Each.Of(list.Zip(rows), pair =>
            {
                var ((invoice, line), row) = pair;
                Assert.Equal(invoice.Id, row.Invoice!.Id);
                Assert.Equal(Truth.ReportStatus(invoice.Status), row.Invoice.Status.ToString());
                Assert.Equal(Truth.Seconds(invoice.PaidAt), row.Invoice.PaidAt);
                Assert.Equal(Truth.LineReportType(line.Type), row.Type.ToString());
                Assert.Equal(line.Price, row.Amount!.Decimal);
                Assert.Equal(line.Description, row.Description);
                Assert.Equal(line.BilledItem.Id, row.BilledItem!.Id);
            });
        }

        Check(lines, all);
        var expected = lines
            .Where(x => x.Invoice.Status == "paid" && x.Invoice.PaidAt >= low && x.Invoice.PaidAt <= high && x.Invoice.DueDate >= dueFrom && x.Line.Id > idGt)
            .OrderByDescending(x => x.Line.Price).ThenBy(x => x.Line.Id)
            .ToList();
        Assert.InRange(expected.Count, 1, lines.Count - 1);
        Check(expected, filtered);
    }

    [Fact]
    public async Task Line_item_confirmed_and_updated_ranges_match_the_dataset()
    {
        using var client = Clients.For(_sandbox, shared.Provider2);
        var lines = _data.ReportLines(shared.Provider2).ToList();
        var confirmed = lines.Where(x => x.Invoice.ConfirmedAt is not null).Select(x => Truth.Seconds(x.Invoice.ConfirmedAt)!.Value).Order().ToList();
        var updated = lines.Select(x => Truth.Seconds(x.Invoice.UpdatedAt)!.Value).Order().ToList();
        var (c1, c2) = (confirmed[confirmed.Count / 4], confirmed[confirmed.Count * 3 / 4]);
        var (u1, u2) = (updated[updated.Count / 3], updated[updated.Count * 5 / 6]);

        var rows = await client.Reports.GetInvoiceLineItemsRowsAsync(new InvoiceLineItemsReportQuery
        {
            Columns = [InvoiceLineItemsReportColumn.Id],
            InvoiceConfirmedAtGte = c1.ToOffset(TimeSpan.FromHours(-8)),
            InvoiceConfirmedAtLte = c2,
            InvoiceUpdatedAtGte = u1,
            InvoiceUpdatedAtLte = u2.ToOffset(TimeSpan.FromHours(5.5)),
            InvoiceDueDateLte = _data.AnchorDate.AddMonths(-2),
            PageSize = 100,
        }).ToListAsync();

        var expected = lines.Where(x => x.Invoice.ConfirmedAt >= c1 && x.Invoice.ConfirmedAt <= c2 && x.Invoice.UpdatedAt >= u1
            && x.Invoice.UpdatedAt <= u2 && x.Invoice.DueDate <= _data.AnchorDate.AddMonths(-2)).Select(x => x.Line.Id).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, rows.Select(r => r.Id!.Value));
    }

    [Fact]
    public async Task Limit_offset_pages_are_slices_of_the_page_size_pages()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);
        _sandbox.ClearRequestLog();
        var all = await client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery { Columns = InvoiceColumns, Status = ReportInvoiceStatus.Paid, PageSize = 23 }).ToListAsync();
        var pageRequests = _sandbox.RequestLog.Where(e => e.PathAndQuery.StartsWith("/api/v2/reports/invoices/data", StringComparison.Ordinal)).ToList();

        var slice = await client.Reports.GetInvoicesDataAsync(columns: InvoiceColumns, status: ReportInvoiceStatus.Paid, limit: 31, offset: 45, format: ReportFormat.Json);
        var tail = await client.Reports.GetInvoicesDataAsync(columns: InvoiceColumns, status: ReportInvoiceStatus.Paid, limit: 1000, offset: all.Count - 7, format: ReportFormat.Json);

        var paidCount = _data.ReportInvoices(shared.Provider1).Count(i => i.Status == "paid");
        Assert.Equal(paidCount, all.Count);
        // Pages 1..N in order, each asked for (a page retried after a slow answer on a loaded machine is asked twice).
        var pages = pageRequests.Select(e => int.Parse(System.Text.RegularExpressions.Regex.Match(e.PathAndQuery, "[?&]page=([0-9]+)").Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture)).ToList();
        Assert.Equal(Enumerable.Range(1, (paidCount + 22) / 23), pages.Distinct());
        Each.Of(pageRequests, e => Assert.Contains("page_size=23", e.PathAndQuery, StringComparison.Ordinal));
        Assert.Equal(paidCount, slice.Total);
        Assert.Equal(all.Skip(45).Take(31).Select(Json), slice.Rows.Select(Json));
        Assert.Equal(all.TakeLast(7).Select(Json), tail.Rows.Select(Json));
        Assert.Equal(InvoiceColumns.Select(c => c.ToString()).Order(), slice.ColumnHeaders!.Select(h => h.Key).Order());
    }

    [Fact]
    public async Task Limit_offset_on_the_line_items_and_grouped_endpoints()
    {
        using var client = Clients.For(_sandbox, shared.Provider2);
        var lines = await client.Reports.GetInvoiceLineItemsRowsAsync(new InvoiceLineItemsReportQuery { Columns = LineColumns, PageSize = 100 }).ToListAsync();
        var slice = await client.Reports.GetInvoiceLineItemsDataAsync(columns: LineColumns, limit: 50, offset: 100, format: ReportFormat.Json);
        Assert.Equal(_data.ReportLines(shared.Provider2).Count(), slice.Total);
        Assert.Equal(lines.Skip(100).Take(50).Select(Json), slice.Rows.Select(Json));

        InvoicesGroupedReportColumn[] grouped = [InvoicesGroupedReportColumn.CustomerDotId, InvoicesGroupedReportColumn.Count];
        var groups = await client.Reports.GetInvoicesGroupedRowsAsync(new InvoicesGroupedReportQuery { Columns = grouped, PageSize = 7 }).ToListAsync();
        var groupSlice = await client.Reports.GetInvoicesGroupedDataAsync(grouped, limit: 9, offset: 5, format: ReportFormat.Json);
        Assert.Equal(groups.Count, groupSlice.Total);
        Assert.Equal(groups.Skip(5).Take(9).Select(Json), groupSlice.Rows.Select(Json));

        var lineGroups = await client.Reports.GetInvoiceLineItemsGroupedRowsAsync(new InvoiceLineItemsGroupedReportQuery { PageSize = 2 }).ToListAsync();
        var lineGroupSlice = await client.Reports.GetInvoiceLineItemsGroupedDataAsync(limit: 3, offset: 2, format: ReportFormat.Json);
        Assert.Equal(lineGroups.Skip(2).Take(3).Select(Json), lineGroupSlice.Rows.Select(Json));
    }

    [Fact]
    public async Task Grouped_invoice_counts_match_the_dataset()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);
        var invoices = _data.ReportInvoices(shared.Provider1).ToList();

        var byStatus = await client.Reports.GetInvoicesGroupedRowsAsync(new InvoicesGroupedReportQuery
        {
            Columns = [InvoicesGroupedReportColumn.Status, InvoicesGroupedReportColumn.Count],
        }).ToListAsync();
        var byTypeAndProcessor = await client.Reports.GetInvoicesGroupedRowsAsync(new InvoicesGroupedReportQuery
        {
            Columns = [InvoicesGroupedReportColumn.PurchaseType, InvoicesGroupedReportColumn.PaymentProcessor, InvoicesGroupedReportColumn.Count],
            Status = ReportInvoiceStatus.Paid,
            PurchaseTypes = [PurchaseType.Membership, PurchaseType.Class, PurchaseType.Course],
            Sort = ["-count"],
            PageSize = 4,
        }).ToListAsync();

        Assert.Equal(
            invoices.GroupBy(i => Truth.ReportStatus(i.Status)).OrderBy(g => g.Key, StringComparer.Ordinal).Select(g => (g.Key, g.Count())),
            byStatus.Select(r => (r.Status.ToString()!, r.Count!.Value)));
        var expected = invoices.Where(i => i.Status == "paid" && i.PurchaseType is "membership" or "class" or "course")
            .GroupBy(i => (i.PurchaseType, Processor: _data.Processor(i)?.Name))
            .ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(expected.Count, byTypeAndProcessor.Count);
        Each.Of(byTypeAndProcessor, r => Assert.Equal(expected[(r.PurchaseType!, r.PaymentProcessor)], r.Count));
        Assert.Equal(byTypeAndProcessor.Select(r => r.Count).OrderDescending(), byTypeAndProcessor.Select(r => r.Count));
        Assert.Equal(invoices.Count(i => i.Status == "paid" && i.PurchaseType is "membership" or "class" or "course"), byTypeAndProcessor.Sum(r => r.Count));
    }

    [Fact]
    public async Task Grouped_line_item_totals_are_the_datasets_sums()
    {
        foreach (var providerId in _sandbox.ProviderIds)
        {
            using var client = Clients.For(_sandbox, providerId);
            var currency = _data.Provider(providerId).Currency;
            var lines = _data.ReportLines(providerId).ToList();

            var groups = await client.Reports.GetInvoiceLineItemsGroupedRowsAsync(new InvoiceLineItemsGroupedReportQuery
            {
                Columns = [InvoiceLineItemsGroupedReportColumn.Type, InvoiceLineItemsGroupedReportColumn.TotalAmount],
            }).ToListAsync();
            var paidGroups = await client.Reports.GetInvoiceLineItemsGroupedRowsAsync(new InvoiceLineItemsGroupedReportQuery
            {
                InvoiceStatus = ReportInvoiceStatus.Paid,
            }).ToListAsync();

            void Check(IEnumerable<(SandboxInvoice Invoice, SandboxLineItem Line)> source, List<InvoiceLineItemsGroupedReportRow> rows)
            {
                var expected = source.GroupBy(x => Truth.LineReportType(x.Line.Type)).ToDictionary(g => g.Key, g => g.Sum(x => x.Line.Price));
                Assert.Equal(expected.Keys.Order(StringComparer.Ordinal), rows.Select(r => r.Type.ToString()!).Order(StringComparer.Ordinal));
                Each.Of(rows, r =>
                {
                    Assert.Equal(expected[r.Type.ToString()!], r.TotalAmount!.Decimal);
                    Assert.Equal(currency.IsoCode, r.TotalAmount.IsoCurrencyCode);
                    Assert.Equal(DocumentedMoney.Of(r.TotalAmount.Decimal, currency.IsoCode), r.TotalAmount.String);
                    Assert.Equal(r.TotalAmount.String, r.TotalAmount.Format());
                });
                Assert.Equal(source.Sum(x => x.Line.Price), rows.Sum(r => r.TotalAmount!).Decimal);
            }

            Check(lines, groups);
            Check(lines.Where(x => x.Invoice.Status == "paid"), paidGroups);
        }
    }
}
