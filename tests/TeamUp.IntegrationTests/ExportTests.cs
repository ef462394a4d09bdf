using System.Globalization;
using Microsoft.Extensions.Time.Testing;

namespace TeamUp.IntegrationTests;

/// <summary>A sandbox whose jobs run on a fake clock: a test moves time on as the SDK polls, so progress is visible and nothing sleeps.</summary>
public sealed class ExportSandbox : IAsyncLifetime
{
    public static readonly TimeSpan JobDuration = TimeSpan.FromSeconds(8);

    public FakeTimeProvider Clock { get; } = new(new DateTimeOffset(2025, 7, 1, 9, 0, 0, TimeSpan.Zero));

    public TeamUpSandbox Sandbox { get; private set; } = null!;

    public async Task InitializeAsync() => Sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions
    {
        Seed = 777, Customers = 60, Invoices = 500, TimeProvider = Clock, JobDuration = JobDuration,
    });

    public async Task DisposeAsync() => await Sandbox.DisposeAsync();
}

/// <summary>The four exports: start → job progress → download from the second origin without credentials → rows equal to the data endpoint's.</summary>
public sealed class ExportTests(ExportSandbox fixture, ITestOutputHelper output) : IClassFixture<ExportSandbox>
{
    private readonly TeamUpSandbox _sandbox = fixture.Sandbox;

    /// <summary>Each poll's progress; moves the sandbox's clock a quarter of the job on, so the next poll sees more done.</summary>
    private sealed class Stepper(FakeTimeProvider clock) : IProgress<ExportProgress>
    {
        public List<ExportProgress> Seen { get; } = [];

        public void Report(ExportProgress value)
        {
            Seen.Add(value);
            clock.Advance(ExportSandbox.JobDuration / 4);
        }
    }

    private async Task<(ExportJob Job, Stepper Progress)> RunAsync(TeamUpClient client, Func<Task<ExportJob>> start)
    {
        var before = _sandbox.Jobs.Count;
        var job = await start();
        Assert.Equal(before + 1, _sandbox.Jobs.Count);
        Assert.Equal(job.Id, _sandbox.Jobs[^1].Id);

        // Freshly started: nothing done, no file yet.
        var status = await client.Jobs.RetrieveAsync(job.Id);
        Assert.Equal(job.Id, status.Id);
        Assert.Null(status.ResultUrl);
        Assert.Equal(0, status.CompleteItems);
        Assert.Equal(_sandbox.Jobs[^1].TotalItems, status.TotalItems);

        var progress = new Stepper(fixture.Clock);
        var done = await job.WaitForCompletionAsync(progress);

        Assert.NotNull(done.ResultUrl);
        Assert.Equal(_sandbox.DownloadOrigin.GetLeftPart(UriPartial.Authority), done.ResultUrl!.GetLeftPart(UriPartial.Authority));
        Assert.NotEqual(_sandbox.BaseUrl.GetLeftPart(UriPartial.Authority), done.ResultUrl.GetLeftPart(UriPartial.Authority));
        var counts = progress.Seen.Select(p => p.CompleteItems).ToList();
        Assert.Equal(counts.Order(), counts);
        Assert.True(progress.Seen[^1].IsComplete);
        Assert.Equal(done.TotalItems, progress.Seen[^1].CompleteItems);
        if (done.TotalItems >= 4)
        {
            Assert.Contains(progress.Seen, p => !p.IsComplete && p.CompleteItems > 0 && p.CompleteItems < p.TotalItems);
        }
        output.WriteLine($"job {job.Id}: complete_items {string.Join(" → ", counts)} of {done.TotalItems}");
        return (job, progress);
    }

    private async Task AssertDownloadedWithoutCredentialsAsync(ExportJob job, int downloads)
    {
        List<SandboxRequestLogEntry> Downloads() =>
            [.. _sandbox.RequestLog.Where(e => e.Origin == "download" && e.PathAndQuery.StartsWith($"/exports/{job.Id}/", StringComparison.Ordinal))];
        // The sandbox logs a request once its response is written, which can be just after the SDK has read the last row.
        var deadline = System.Diagnostics.Stopwatch.StartNew();
        while (Downloads().Count < downloads && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(10);
        var log = Downloads();
        Assert.Equal(downloads, log.Count);
        // The download origin answers 400 authorization_not_allowed to any request carrying Authorization.
        Each.Of(log, e => Assert.Equal(200, e.StatusCode));
    }

    private static List<Dictionary<string, string?>> Cells<T>(IEnumerable<T> rows, params (string Key, Func<T, string?> Cell)[] columns) =>
        [.. rows.Select(r => columns.ToDictionary(c => c.Key, c => c.Cell(r)))];

    private static string Text(int? value) => value?.ToString(CultureInfo.InvariantCulture) ?? "";

    private static async Task AssertCsvAsync(ExportJob job, List<Dictionary<string, string?>> expected)
    {
        var rows = await job.ReadRowsAsync().ToListAsync();
        Assert.Equal(expected.Count, rows.Count);
        for (var i = 0; i < rows.Count; i++)
        {
            Assert.Equal(expected[i].Keys, rows[i].Keys);
            Assert.Equal(expected[i], rows[i].ToDictionary(kv => kv.Key, kv => kv.Value));
        }
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Invoices_export_rows_equal_the_data_endpoints(string format)
    {
        var provider = _sandbox.ProviderIds[1];
        using var client = Clients.For(_sandbox, provider);
        InvoicesReportColumn[] columns =
        [
            InvoicesReportColumn.Id, InvoicesReportColumn.DueDate, InvoicesReportColumn.Status, InvoicesReportColumn.CustomerDotId,
            InvoicesReportColumn.CustomerDotName, InvoicesReportColumn.TotalAmount, InvoicesReportColumn.PaidAt, InvoicesReportColumn.PurchaseItems,
        ];
        var from = _sandbox.Data.AnchorDate.AddMonths(-12);
        var expected = await client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery
        {
            Columns = columns, DueDateGte = from, Sort = ["-total_amount", "id"], PageSize = 100,
        }).ToListAsync();
        Assert.Equal(_sandbox.Data.ReportInvoices(provider).Count(i => i.DueDate >= from), expected.Count);

        var (job, _) = await RunAsync(client, () => client.Reports.StartInvoicesExportAsync(new InvoicesReportExportRequest
        {
            Columns = columns, DueDateGte = from, Sort = ["-total_amount", "id"], Format = new ReportFormat(format),
        }));
        using var file = new MemoryStream();
        await job.DownloadToAsync(file);

        Assert.True(file.Length > 0);
        if (format == "json")
        {
            var rows = await job.ReadRowsAsync<InvoicesReportRow>().ToListAsync();
            Assert.Equal(expected.Select(ReportTests.Json), rows.Select(ReportTests.Json));
            Each.Of(rows, r => Assert.Equal("eur", r.TotalAmount!.IsoCurrencyCode));
        }
        else
        {
            await AssertCsvAsync(job, Cells(expected,
                ("id", r => Text(r.Id)), ("due_date", r => Truth.Cell(r.DueDate)), ("status", r => r.Status.ToString()),
                ("customer.id", r => Text(r.Customer!.Id)), ("customer.name", r => r.Customer!.Name),
                ("total_amount", r => Truth.Cell(r.TotalAmount!.Decimal)), ("paid_at", r => Truth.Cell(r.PaidAt)),
                ("purchase_items", r => r.PurchaseItems)));
        }
        await AssertDownloadedWithoutCredentialsAsync(job, downloads: 2);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Grouped_invoices_export_rows_equal_the_data_endpoints(string format)
    {
        using var client = Clients.For(_sandbox);
        InvoicesGroupedReportColumn[] columns = [InvoicesGroupedReportColumn.Status, InvoicesGroupedReportColumn.PurchaseType, InvoicesGroupedReportColumn.Count];
        var expected = await client.Reports.GetInvoicesGroupedRowsAsync(new InvoicesGroupedReportQuery { Columns = columns, CreditApplied = false }).ToListAsync();

        var (job, _) = await RunAsync(client, () => client.Reports.StartInvoicesGroupedExportAsync(new InvoicesGroupedReportExportRequest
        {
            Columns = columns, CreditApplied = false, Format = new ReportFormat(format),
        }));

        Assert.Equal(_sandbox.Data.ReportInvoices(_sandbox.DefaultProviderId).Count(i => i.AppliedCredits.Count == 0), expected.Sum(r => r.Count));
        if (format == "json")
        {
            Assert.Equal(expected.Select(ReportTests.Json), (await job.ReadRowsAsync<InvoicesGroupedReportRow>().ToListAsync()).Select(ReportTests.Json));
        }
        else
        {
            await AssertCsvAsync(job, Cells(expected, ("status", r => r.Status.ToString()), ("purchase_type", r => r.PurchaseType), ("count", r => Text(r.Count))));
        }
        await AssertDownloadedWithoutCredentialsAsync(job, downloads: 1);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Line_items_export_rows_equal_the_data_endpoints(string format)
    {
        using var client = Clients.For(_sandbox);
        InvoiceLineItemsReportColumn[] columns =
        [
            InvoiceLineItemsReportColumn.Id, InvoiceLineItemsReportColumn.InvoiceDotId, InvoiceLineItemsReportColumn.InvoiceDotStatus,
            InvoiceLineItemsReportColumn.Type, InvoiceLineItemsReportColumn.Amount, InvoiceLineItemsReportColumn.Description,
        ];
        var expected = await client.Reports.GetInvoiceLineItemsRowsAsync(new InvoiceLineItemsReportQuery
        {
            Columns = columns, InvoiceStatus = ReportInvoiceStatus.Paid, PageSize = 100,
        }).ToListAsync();

        var (job, _) = await RunAsync(client, () => client.Reports.StartInvoiceLineItemsExportAsync(new InvoiceLineItemsReportExportRequest
        {
            Columns = columns, InvoiceStatus = ReportInvoiceStatus.Paid, Format = new ReportFormat(format),
        }));

        Assert.Equal(_sandbox.Data.ReportLines(_sandbox.DefaultProviderId).Count(x => x.Invoice.Status == "paid"), expected.Count);
        if (format == "json")
        {
            Assert.Equal(expected.Select(ReportTests.Json), (await job.ReadRowsAsync<InvoiceLineItemsReportRow>().ToListAsync()).Select(ReportTests.Json));
        }
        else
        {
            await AssertCsvAsync(job, Cells(expected,
                ("id", r => Text(r.Id)), ("invoice.id", r => Text(r.Invoice!.Id)), ("invoice.status", r => r.Invoice!.Status.ToString()),
                ("type", r => r.Type.ToString()), ("amount", r => Truth.Cell(r.Amount!.Decimal)), ("description", r => r.Description)));
        }
        await AssertDownloadedWithoutCredentialsAsync(job, downloads: 1);
    }

    [Theory]
    [InlineData("csv")]
    [InlineData("json")]
    public async Task Grouped_line_items_export_rows_equal_the_data_endpoints(string format)
    {
        using var client = Clients.For(_sandbox, _sandbox.ProviderIds[1]);
        var expected = await client.Reports.GetInvoiceLineItemsGroupedRowsAsync(new InvoiceLineItemsGroupedReportQuery()).ToListAsync();
        // Tied to the dataset, so that two empty (or equally wrong) answers cannot agree: one row per line type, its sum.
        var truth = _sandbox.Data.ReportLines(_sandbox.ProviderIds[1]).GroupBy(x => Truth.LineReportType(x.Line.Type))
            .ToDictionary(g => g.Key, g => g.Sum(x => x.Line.Price));
        Assert.True(truth.Count > 1);
        Assert.Equal(truth.OrderBy(t => t.Key, StringComparer.Ordinal), expected.Select(r => new KeyValuePair<string, decimal>(r.Type.ToString()!, r.TotalAmount!.Decimal)).OrderBy(t => t.Key, StringComparer.Ordinal));

        var (job, _) = await RunAsync(client, () => client.Reports.StartInvoiceLineItemsGroupedExportAsync(new InvoiceLineItemsGroupedReportExportRequest
        {
            Format = new ReportFormat(format),
        }));

        if (format == "json")
        {
            Assert.Equal(expected.Select(ReportTests.Json), (await job.ReadRowsAsync<InvoiceLineItemsGroupedReportRow>().ToListAsync()).Select(ReportTests.Json));
        }
        else
        {
            await AssertCsvAsync(job, Cells(expected, ("type", r => r.Type.ToString()), ("total_amount", r => Truth.Cell(r.TotalAmount!.Decimal))));
        }
        await AssertDownloadedWithoutCredentialsAsync(job, downloads: 1);
    }

    [Fact]
    public async Task A_job_resumed_by_id_reads_the_same_file()
    {
        using var client = Clients.For(_sandbox);
        var (job, _) = await RunAsync(client, () => client.Reports.StartInvoicesExportAsync(new InvoicesReportExportRequest
        {
            Columns = [InvoicesReportColumn.Id, InvoicesReportColumn.Number], Format = ReportFormat.Csv,
        }));
        var first = await job.ReadRowsAsync().ToListAsync();

        using var other = Clients.For(_sandbox);
        var resumed = other.Jobs.GetExportJob(job.Id, ReportFormat.Csv);
        var again = await resumed.ReadRowsAsync().ToListAsync();

        Assert.Equal(_sandbox.Data.ReportInvoices(_sandbox.DefaultProviderId).Select(i => (i.Id.ToString(CultureInfo.InvariantCulture), i.Number)),
            again.Select(r => (r["id"]!, r["number"]!)));
        Assert.Equal(first.Select(r => string.Join(",", r.Values)), again.Select(r => string.Join(",", r.Values)));
        await AssertDownloadedWithoutCredentialsAsync(job, downloads: 2);
    }

    [Fact]
    public async Task Typed_rows_from_a_csv_export_with_flat_columns()
    {
        using var client = Clients.For(_sandbox);
        InvoicesReportColumn[] columns = [InvoicesReportColumn.Id, InvoicesReportColumn.DueDate, InvoicesReportColumn.Status, InvoicesReportColumn.Number, InvoicesReportColumn.PaidAt];
        var expected = await client.Reports.GetInvoicesRowsAsync(new InvoicesReportQuery { Columns = columns }).ToListAsync();
        var (job, _) = await RunAsync(client, () => client.Reports.StartInvoicesExportAsync(new InvoicesReportExportRequest { Columns = columns, Format = ReportFormat.Csv }));

        var rows = await job.ReadRowsAsync<InvoicesReportRow>().ToListAsync();

        Assert.Equal(_sandbox.Data.ReportInvoices(_sandbox.DefaultProviderId).Select(i => (i.Id, i.DueDate, Truth.ReportStatus(i.Status), Truth.Seconds(i.PaidAt))),
            rows.Select(r => (r.Id!.Value, r.DueDate!.Value, r.Status.ToString()!, r.PaidAt)));
        Assert.Equal(expected.Select(ReportTests.Json), rows.Select(ReportTests.Json));
    }

    [Fact]
    public async Task Typed_rows_from_a_csv_export_with_money_and_nested_columns()
    {
        using var client = Clients.For(_sandbox);
        InvoicesReportColumn[] columns = [InvoicesReportColumn.Id, InvoicesReportColumn.CustomerDotId, InvoicesReportColumn.TotalAmount];
        var (job, _) = await RunAsync(client, () => client.Reports.StartInvoicesExportAsync(new InvoicesReportExportRequest { Columns = columns, Format = ReportFormat.Csv }));

        var rows = await job.ReadRowsAsync<InvoicesReportRow>().ToListAsync();

        Assert.Equal(_sandbox.Data.ReportInvoices(_sandbox.DefaultProviderId).Select(i => (i.Id, i.CustomerId, i.TotalAmount)),
            rows.Select(r => (r.Id!.Value, r.Customer!.Id!.Value, r.TotalAmount!.Decimal)));
    }
}
