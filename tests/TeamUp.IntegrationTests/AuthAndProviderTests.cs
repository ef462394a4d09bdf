namespace TeamUp.IntegrationTests;

/// <summary>Credentials, provider selection and error bodies as the SDK surfaces them.</summary>
[Collection(SharedSandboxCollection.Name)]
public sealed class AuthAndProviderTests(SharedSandbox shared)
{
    private readonly TeamUpSandbox _sandbox = shared.Sandbox;
    private readonly SandboxDataset _data = shared.Data;

    [Fact]
    public async Task ProviderId_selects_that_providers_data_and_currency()
    {
        foreach (var providerId in _sandbox.ProviderIds)
        {
            using var client = Clients.For(_sandbox, providerId);

            var invoices = await client.Invoices.ListAllAsync(new InvoiceListOptions { PageSize = 100 }).ToListAsync();
            var rows = await client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery { Columns = [InvoicesReportColumn.Id, InvoicesReportColumn.TotalAmount] }).ToListAsync();

            Assert.Equal(_data.InvoicesFor(providerId).Select(i => i.Id), invoices.Select(i => i.Id));
            Assert.Equal(_data.ReportInvoices(providerId).Select(i => i.Id), rows.Select(r => r.Id!.Value));
            var iso = _data.Provider(providerId).Currency.IsoCode;
            Each.Of(invoices, i => Assert.Equal(iso, i.TotalAmountDue.IsoCurrencyCode));
            Each.Of(rows, r => Assert.Equal(iso, r.TotalAmount!.IsoCurrencyCode));
        }

        // Without the header, the sandbox's credentials act for the first provider.
        using var unspecified = Clients.For(_sandbox);
        Assert.Equal(_data.InvoicesFor(_sandbox.DefaultProviderId)[0].Id, (await unspecified.Invoices.ListAsync(pageSize: 1)).Results[0].Id);
    }

    [Fact]
    public async Task A_provider_the_credentials_cannot_act_for_is_403()
    {
        using var client = Clients.For(_sandbox, providerId: 999);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Invoices.ListAsync());

        Assert.Equal(403, error.StatusCode);
        Assert.Contains("999", error.Error!.Detail, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_wrong_token_is_401_naming_the_operation_for_every_kind_of_call()
    {
        using var client = Clients.For(_sandbox, configure: o => o.ApiKey = "not_the_sandbox_key");
        var calls = new (string Operation, Func<Task> Call)[]
        {
            ("Invoices_List", () => client.Invoices.ListAsync()),
            ("Invoices_List", async () => await client.Invoices.ListAllAsync().ToListAsync()),
            ("Invoices_Retrieve", () => client.Invoices.RetrieveAsync(_data.Invoices[0].Id)),
            ("Reports_GetInvoicesData", () => client.Reports.GetInvoicesDataAsync()),
            ("Reports_GetInvoicesGroupedData", () => client.Reports.GetInvoicesGroupedDataAsync([InvoicesGroupedReportColumn.Count])),
            ("Reports_GetInvoiceLineItemsData", () => client.Reports.GetInvoiceLineItemsDataAsync()),
            ("Reports_GetInvoiceLineItemsGroupedData", () => client.Reports.GetInvoiceLineItemsGroupedDataAsync()),
            ("Reports_ExportInvoices", () => client.Reports.StartInvoicesExportAsync(new InvoicesReportExportRequest())),
            ("Reports_ExportInvoicesGrouped", () => client.Reports.StartInvoicesGroupedExportAsync(new InvoicesGroupedReportExportRequest { Columns = [InvoicesGroupedReportColumn.Count] })),
            ("Reports_ExportInvoiceLineItems", () => client.Reports.StartInvoiceLineItemsExportAsync(new InvoiceLineItemsReportExportRequest())),
            ("Reports_ExportInvoiceLineItemsGrouped", () => client.Reports.StartInvoiceLineItemsGroupedExportAsync(new InvoiceLineItemsGroupedReportExportRequest())),
            ("Jobs_Retrieve", () => client.Jobs.RetrieveAsync(9001)),
        };
        var jobs = _sandbox.Jobs.Count;

        foreach (var (operation, call) in calls)
        {
            var error = await Assert.ThrowsAsync<TeamUpApiException>(call);
            Assert.Equal(401, error.StatusCode);
            Assert.Equal(operation, error.Operation);
            Assert.Equal("Invalid token.", error.Error!.Detail);
            Assert.Contains(operation, error.Message, StringComparison.Ordinal);
            Assert.DoesNotContain("not_the_sandbox_key", error.ToString(), StringComparison.Ordinal);
        }
        Assert.Equal(jobs, _sandbox.Jobs.Count);
    }

    [Fact]
    public async Task Bearer_access_token_works_like_the_api_key()
    {
        using var bearer = Clients.For(_sandbox, shared.Provider2, o => { o.ApiKey = null; o.AccessToken = _sandbox.BearerToken; });
        using var wrong = Clients.For(_sandbox, shared.Provider2, o => { o.ApiKey = null; o.AccessToken = _sandbox.Token; });

        var invoice = await bearer.Invoices.RetrieveAsync(_data.InvoicesFor(shared.Provider2)[3].Id, expand: [InvoiceExpand.Payer]);
        var job = await bearer.Reports.StartInvoicesExportAsync(new InvoicesReportExportRequest { Columns = [InvoicesReportColumn.Id], Format = ReportFormat.Json });
        var rows = await job.ReadRowsAsync<InvoicesReportRow>().ToListAsync();

        Assert.Equal(_data.Customer(_data.InvoicesFor(shared.Provider2)[3].CustomerId).Name, invoice.Payer.Value!.Name);
        Assert.Equal(_data.ReportInvoices(shared.Provider2).Select(i => i.Id), rows.Select(r => r.Id!.Value));
        Assert.Equal(401, (await Assert.ThrowsAsync<TeamUpApiException>(() => wrong.Invoices.ListAsync())).StatusCode);
    }

    [Fact]
    public async Task Validation_errors_are_400_with_the_sandboxs_detail()
    {
        using var client = Clients.For(_sandbox);

        var column = await Assert.ThrowsAsync<TeamUpApiException>(() =>
            client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery { Columns = [InvoicesReportColumn.Id, new InvoicesReportColumn("nope")] }).ToListAsync());
        var export = await Assert.ThrowsAsync<TeamUpApiException>(() =>
            client.Reports.StartInvoiceLineItemsExportAsync(new InvoiceLineItemsReportExportRequest { Columns = [new InvoiceLineItemsReportColumn("nope")] }));
        var pageSize = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Invoices.ListAsync(pageSize: 101));
        var expand = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Invoices.RetrieveAsync(_data.Invoices[0].Id, expand: [new InvoiceExpand("customer")]));
        var status = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Reports.GetInvoicesDataAsync(status: new ReportInvoiceStatus("draft")));

        Each.Of(new[] { column, export, pageSize, expand, status }, e =>
        {
            Assert.Equal(400, e.StatusCode);
            Assert.False(string.IsNullOrEmpty(e.Error?.Detail));
            // The message quotes the server's detail, bounded (a long one is cut with an ellipsis).
            Assert.Contains(e.Error!.Detail![..Math.Min(60, e.Error.Detail!.Length)], e.Message, StringComparison.Ordinal);
        });
        Assert.Contains("\"nope\" is not a valid column of the invoices report", column.Error!.Detail, StringComparison.Ordinal);
        Assert.Equal("Reports_GetInvoicesData", column.Operation);
        Assert.Contains("\"nope\" is not a valid column of the invoice_line_items report", export.Error!.Detail, StringComparison.Ordinal);
        Assert.Equal("Reports_ExportInvoiceLineItems", export.Operation);
        Assert.Contains("less than or equal to 100", pageSize.Error!.Detail, StringComparison.Ordinal);
        Assert.Contains("\"customer\" cannot be expanded", expand.Error!.Detail, StringComparison.Ordinal);
        Assert.Contains("\"draft\" is not a valid status", status.Error!.Detail, StringComparison.Ordinal);
    }
}
