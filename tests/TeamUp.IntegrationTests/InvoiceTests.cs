namespace TeamUp.IntegrationTests;

/// <summary>Invoices_List and Invoices_Retrieve through the SDK, every answer checked against the seeded dataset.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class InvoiceTests(SharedSandbox shared)
{
    private readonly TeamUpSandbox _sandbox = shared.Sandbox;
    private readonly SandboxDataset _data = shared.Data;

    [Fact]
    public async Task ListAll_follows_every_page_and_returns_the_providers_invoices_in_order()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);
        var expected = _data.InvoicesFor(shared.Provider1);
        _sandbox.ClearRequestLog();

        var invoices = await client.Invoices.ListAllAsync(new InvoiceListOptions { PageSize = 37 }).ToListAsync();

        Assert.Equal(expected.Select(i => i.Id), invoices.Select(i => i.Id));
        Each.Of(invoices, i =>
        {
            var truth = _data.FindInvoice(i.Id)!;
            Assert.Equal(truth.Status, i.Status.ToString());
            Assert.Equal(truth.DueDate, i.DueDate);
            Assert.Equal(Truth.Seconds(truth.CreatedAt), i.CreatedAt);
            Assert.Equal(truth.IsCreditNote, i.IsCreditNote);
            Assert.Equal(truth.LegacyInvoiceKey, i.LegacyInvoiceKey);
            Assert.Equal(truth.TotalAmountDue, i.TotalAmountDue.Decimal);
            Assert.False(i.Payer.IsExpanded);
            Assert.Equal(truth.CustomerId, i.Payer.Id);
        });
        var pages = _sandbox.RequestLog.Where(e => e.Method == "GET" && e.PathAndQuery.StartsWith("/api/v2/invoices?", StringComparison.Ordinal)).ToList();
        Assert.Equal((expected.Count + 36) / 37, pages.Count);
        Each.Of(pages, p => Assert.Contains("page_size=37", p.PathAndQuery, StringComparison.Ordinal));
    }

    [Fact]
    public async Task Status_filter_returns_exactly_the_invoices_in_those_statuses()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);

        var invoices = await client.Invoices.ListAllAsync(new InvoiceListOptions
        {
            Status = [InvoiceStatus.Open, InvoiceStatus.Failed, InvoiceStatus.Upcoming],
            PageSize = 100,
        }).ToListAsync();

        var expected = _data.InvoicesFor(shared.Provider1).Where(i => i.Status is "open" or "failed" or "upcoming").Select(i => i.Id).ToList();
        Assert.NotEmpty(expected);
        Assert.Equal(expected, invoices.Select(i => i.Id));
        Assert.Contains(invoices, i => i.Status == InvoiceStatus.Upcoming);
    }

    [Theory]
    [InlineData(false)]
    [InlineData(true)]
    public async Task Sort_by_due_date_both_ways(bool descending)
    {
        using var client = Clients.For(_sandbox, shared.Provider2);

        var invoices = await client.Invoices.ListAllAsync(new InvoiceListOptions
        {
            Sort = [descending ? InvoiceListSort.DueDateDescending : InvoiceListSort.DueDate],
            PageSize = 50,
        }).ToListAsync();

        var all = _data.InvoicesFor(shared.Provider2);
        var expected = descending
            ? all.OrderByDescending(i => i.DueDate).ThenByDescending(i => i.Id)
            : all.OrderBy(i => i.DueDate).ThenBy(i => i.Id);
        Assert.Equal(expected.Select(i => i.Id), invoices.Select(i => i.Id));
    }

    [Fact]
    public async Task Expanding_the_payer_gives_each_invoices_customer()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);

        var invoices = await client.Invoices.ListAllAsync(new InvoiceListOptions { Expand = [InvoiceExpand.Payer], PageSize = 100 }).ToListAsync();

        Assert.Equal(_data.InvoicesFor(shared.Provider1).Count, invoices.Count);
        Each.Of(invoices, i =>
        {
            var customer = _data.Customer(_data.FindInvoice(i.Id)!.CustomerId);
            Assert.True(i.Payer.IsExpanded);
            Assert.Equal(customer.Id, i.Payer.Id);
            Assert.Equal(customer.Name, i.Payer.Value!.Name);
        });
    }

    [Fact]
    public async Task Deferred_fields_are_absent_unless_requested()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);

        var plain = await client.Invoices.ListAsync(pageSize: 30);
        Each.Of(plain.Results, i =>
        {
            Assert.Null(i.LineItems);
            Assert.Null(i.Charges);
            Assert.Null(i.Discounts);
            Assert.Null(i.Adjustments);
            Assert.Null(i.AppliedCredits);
            Assert.Null(i.Taxes);
            Assert.Null(i.CreditNotes);
        });

        var deferred = await client.Invoices.ListAllAsync(new InvoiceListOptions
        {
            Expand = [InvoiceExpand.LineItems, InvoiceExpand.Charges, InvoiceExpand.Discounts, InvoiceExpand.Adjustments,
                InvoiceExpand.AppliedCredits, InvoiceExpand.Taxes, InvoiceExpand.CreditNotes],
            PageSize = 100,
        }).ToListAsync();
        Each.Of(deferred, i =>
        {
            var truth = _data.FindInvoice(i.Id)!;
            Assert.Equal(truth.LineItems.Select(l => (l.Id, l.Type, l.Price, l.TotalAmountDue)),
                i.LineItems!.Select(l => (l.Id, l.Type.ToString(), l.Price.Decimal, l.TotalAmountDue.Decimal)));
            Assert.Equal(truth.Charges.Select(c => (c.Id, c.PaymentProcessorId)), i.Charges!.Select(c => (c.Id, c.PaymentProcessor.Id)));
            Assert.Equal(truth.Discounts.Select(d => (d.Id, d.DiscountCodeId, d.Amount)), i.Discounts!.Select(d => (d.Id, d.DiscountCode.Id, d.Amount.Decimal)));
            Assert.Equal(truth.Adjustments.Select(a => (a.Id, a.Amount)), i.Adjustments!.Select(a => (a.Id, a.Amount.Decimal)));
            Assert.Equal(truth.AppliedCredits.Select(c => (c.Id, c.Amount)), i.AppliedCredits!.Select(c => (c.Id, c.Amount.Decimal)));
            Assert.Equal(truth.Taxes.Select(t => (t.Id, t.PurchaseFeeId, t.Amount)), i.Taxes!.Select(t => (t.Id, t.PurchaseFee.Id, t.Amount.Decimal)));
            Assert.Equal(truth.CreditNoteIds.Count, i.CreditNotes!.Count);
            Each.Of(i.LineItems!, l => Assert.False(l.BilledItem.IsExpanded));
        });
        // The dataset has every deferred kind somewhere, so the checks above were not vacuous.
        Assert.Contains(deferred, i => i.Discounts!.Count > 0);
        Assert.Contains(deferred, i => i.Adjustments!.Count > 0);
        Assert.Contains(deferred, i => i.AppliedCredits!.Count > 0);
        Assert.Contains(deferred, i => i.Taxes!.Count > 0);
        Assert.Contains(deferred, i => i.CreditNotes!.Count > 0);
    }

    /// <summary>The invoice's required properties: a <c>fields</c> list must keep them for the typed model to read the answer.</summary>
    private static readonly string[] RequiredFields =
        ["id", "object", "status", "due_date", "created_at", "is_credit_note", "total_amount_due", "payer", "legacy_invoice_key"];

    [Fact]
    public async Task Fields_select_deferred_fields()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);

        var page = await client.Invoices.ListAsync(fields: [.. RequiredFields, "line_items", "taxes"], pageSize: 40);

        Assert.Equal(40, page.Results.Count);
        Each.Of(page.Results, i =>
        {
            var truth = _data.FindInvoice(i.Id)!;
            Assert.Equal(truth.Status, i.Status.ToString());
            Assert.Equal(truth.LineItems.Select(l => (l.Id, l.Type)), i.LineItems!.Select(l => (l.Id, l.Type.ToString())));
            Assert.Equal(truth.Taxes.Select(t => t.Id), i.Taxes!.Select(t => t.Id));
            Assert.Null(i.Charges);
            Assert.Null(i.Discounts);
        });
    }

    [Fact]
    public async Task Fields_narrow_the_invoice_to_the_listed_ones()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);

        var page = await client.Invoices.ListAsync(fields: ["id", "status", "line_items"], pageSize: 40);

        Each.Of(page.Results, i =>
        {
            var truth = _data.FindInvoice(i.Id)!;
            Assert.Equal(truth.Status, i.Status.ToString());
            Assert.Equal(truth.LineItems.Select(l => l.Id), i.LineItems!.Select(l => l.Id));
            Assert.Null(i.LegacyInvoiceKey);
        });
    }

    [Fact]
    public async Task Retrieve_expands_each_expandable_field()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);
        var provider = _data.Provider(shared.Provider1);
        var candidates = _data.InvoicesFor(shared.Provider1);
        var withEverything = candidates.First(i => i.Charges.Count > 0 && i.Discounts.Count > 0 && i.Taxes.Count > 0);

        var invoice = await client.Invoices.RetrieveAsync(withEverything.Id, expand:
        [
            InvoiceExpand.Payer, InvoiceExpand.ChargesDotPaymentProcessor, InvoiceExpand.LineItemsDotBilledItem,
            InvoiceExpand.DiscountsDotDiscountCode, InvoiceExpand.TaxesDotPurchaseFee,
        ]);

        Assert.Equal(_data.Customer(withEverything.CustomerId).Name, invoice.Payer.Value!.Name);
        Assert.Equal(withEverything.Charges.Select(c => provider.PaymentProcessors.First(p => p.Id == c.PaymentProcessorId)).Select(p => (p.Id, p.Name, p.Type)),
            invoice.Charges!.Select(c => (c.PaymentProcessor.Id, c.PaymentProcessor.Value!.Name, c.PaymentProcessor.Value.Type)));
        Assert.Equal(withEverything.Discounts.Select(d => provider.DiscountCodes.First(c => c.Id == d.DiscountCodeId)).Select(c => (c.Id, c.Code, c.Name, c.Uses)),
            invoice.Discounts!.Select(d => (d.DiscountCode.Id, d.DiscountCode.Value!.Code, d.DiscountCode.Value.Name, d.DiscountCode.Value.Uses)));
        Assert.Equal(withEverything.Taxes.Select(t => provider.PurchaseFees.First(f => f.Id == t.PurchaseFeeId)).Select(f => (f.Id, f.Name, f.Type)),
            invoice.Taxes!.Select(t => (t.PurchaseFee.Id, t.PurchaseFee.Value!.Name, t.PurchaseFee.Value.Type.ToString())));
        Assert.Equal(withEverything.LineItems.Select(l => (l.BilledItem.Id, l.BilledItem.Name, l.BilledItem.Type)),
            invoice.LineItems!.Select(l => (l.BilledItem.Id, l.BilledItem.Value!.Name, l.BilledItem.Value.Type)));
    }

    public static TheoryData<string, Type> BilledKinds => new()
    {
        { "billed_course_session_registration", typeof(BilledCourseSessionRegistration) },
        { "billed_event_registration", typeof(BilledEventRegistration) },
        { "billed_flat_fee", typeof(BilledFlatFee) },
        { "billed_membership", typeof(BilledMembership) },
        { "billed_course_registration", typeof(BilledCourseRegistration) },
        { "billed_store_product", typeof(BilledStoreProduct) },
        { "billed_membership_penalty", typeof(BilledMembershipPenalty) },
        { "billed_joining_fee", typeof(BilledJoiningFee) },
        { "billed_gift_card", typeof(BilledGiftCard) },
    };

    [Theory]
    [MemberData(nameof(BilledKinds))]
    public async Task Expanded_billed_items_are_the_right_kind(string kind, Type type)
    {
        using var client = Clients.For(_sandbox, shared.Provider2);
        var (invoice, line) = _data.InvoicesFor(shared.Provider2).SelectMany(i => i.LineItems.Select(l => (i, l))).First(x => x.l.BilledItem.Type == kind);

        var retrieved = await client.Invoices.RetrieveAsync(invoice.Id, expand: [InvoiceExpand.LineItemsDotBilledItem]);

        var item = retrieved.LineItems!.Single(l => l.Id == line.Id).BilledItem;
        Assert.True(item.IsExpanded);
        Assert.IsType(type, item.Value);
        Assert.True(item.Value!.IsKnownKind);
        Assert.Equal(kind, item.Value.Type);
        Assert.Equal(line.BilledItem.Id, item.Id);
        Assert.Equal(line.BilledItem.Name, item.Value.Name);
        if (item.Value is BilledStoreProduct product)
        {
            Assert.Equal(line.BilledItem.Quantity ?? 1, product.Quantity);
            Assert.Equal(line.BilledItem.Memo ?? "", product.Memo);
        }
    }

    [Fact]
    public async Task Another_providers_invoice_is_not_found()
    {
        using var client = Clients.For(_sandbox, shared.Provider1);
        var foreign = _data.InvoicesFor(shared.Provider2)[0];

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Invoices.RetrieveAsync(foreign.Id));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("Invoices_Retrieve", error.Operation);
    }
}
