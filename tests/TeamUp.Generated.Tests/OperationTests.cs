using System.Net;
using RichardSzalay.MockHttp;
using TeamUp.Generated.Serialization;
using TeamUp.Generated.Tests.Infrastructure;

namespace TeamUp.Generated.Tests;

/// <summary>Each operation against MockHttp: the request it must send and the response it must read.</summary>
public class OperationTests
{
    private const string Base = "https://goteamup.com/api/v2/";
    private const string Report = "{\"total\":2,\"column_headers\":[{\"label\":\"ID\",\"key\":\"id\",\"sortable\":true,\"sorted\":{\"order\":\"desc\",\"priority\":1},\"required\":true}],\"rows\":[{\"id\":2},{\"id\":1}]}";

    private readonly MockHttpMessageHandler _mock = new();

    private HttpClient Http => _mock.ToHttpClient();

    [Fact]
    public async Task Invoices_List_sends_paging_filters_and_reads_the_page()
    {
        _mock.Expect(HttpMethod.Get, Base + "invoices")
            .WithExactQueryString("page=2&page_size=25&sort=-due_date&status=paid,voided")
            .Respond("application/json", "{\"count\":30,\"next\":\"" + Base + "invoices?page=3\",\"previous\":null,\"results\":[" + Payloads.MinimalInvoice + "]}");

        var page = await new InvoicesClient(Http).ListAsync(page: 2, pageSize: 25, sort: [InvoiceListSort.DueDateDescending], status: [InvoiceStatus.Paid, InvoiceStatus.Voided]);

        _mock.VerifyNoOutstandingExpectation();
        Assert.Equal(30, page.Count);
        Assert.Equal(new Uri(Base + "invoices?page=3"), page.Next);
        Assert.Null(page.Previous);
        Assert.Equal(1234, Assert.Single(page.Results).Id);
    }

    [Fact]
    public async Task Optional_parameters_left_unset_are_not_sent()
    {
        _mock.Expect(HttpMethod.Get, Base + "invoices").WithExactQueryString("").Respond("application/json", "{\"count\":0,\"next\":null,\"previous\":null,\"results\":[]}");

        await new InvoicesClient(Http).ListAsync();

        _mock.VerifyNoOutstandingExpectation();
    }

    [Fact]
    public async Task Invoices_Retrieve_reads_the_invoice()
    {
        _mock.Expect(HttpMethod.Get, Base + "invoices/1234").WithExactQueryString("expand=payer").Respond("application/json",
            Payloads.MinimalInvoice.Replace("\"payer\":42", "\"payer\":{\"id\":42,\"name\":\"Ann Lee\"}"));

        var invoice = await new InvoicesClient(Http).RetrieveAsync(1234, expand: [InvoiceExpand.Payer]);

        Assert.Equal(InvoiceStatus.Paid, invoice.Status);
        Assert.Equal(new DateOnly(2024, 7, 29), invoice.DueDate);
        Assert.Equal(TimeSpan.Zero, invoice.CreatedAt.Offset);
        Assert.Equal("Ann Lee", invoice.Payer.Value!.Name);
        Assert.Equal("£45", invoice.TotalAmountDue.ToString());
    }

    [Fact]
    public async Task A_request_with_fields_reads_a_sparse_invoice_and_a_full_request_reports_what_is_missing()
    {
        const string sparse = "{\"id\":7,\"status\":\"paid\"}";
        _mock.When(Base + "invoices/7").WithQueryString("fields", "id,status").Respond("application/json", sparse);
        _mock.When(Base + "invoices/8").Respond("application/json", sparse.Replace("7", "8"));

        var narrowed = await new InvoicesClient(Http).RetrieveAsync(7, fields: ["id", "status"]);
        var full = await new InvoicesClient(Http).RetrieveAsync(8);

        Assert.Equal(7, narrowed.Id);
        Assert.Equal(InvoiceStatus.Paid, narrowed.Status);
        Assert.Empty(TeamUpContract.MissingRequiredFields(narrowed)); // asked for two fields: the rest is not a broken promise
        Assert.Equal(8, full.Id);
        Assert.Contains("due_date", TeamUpContract.MissingRequiredFields(full));
        Assert.Contains("payer", TeamUpContract.MissingRequiredFields(full));
    }

    [Fact]
    public async Task Report_data_sends_dates_booleans_and_arrays_and_reads_headers_and_rows()
    {
        _mock.Expect(HttpMethod.Get, Base + "reports/invoices/data")
            .WithExactQueryString("columns=id,status&credit_applied=true&due_date_gte=2024-01-31&format=json&paid_at_lte=2024-02-01T23%3A59%3A59-05%3A00&payment_processors=3,4")
            .Respond("application/json", Report);

        var report = await new ReportsClient(Http).GetInvoicesDataAsync(
            columns: [InvoicesReportColumn.Id, InvoicesReportColumn.Status], creditApplied: true, dueDateGte: new DateOnly(2024, 1, 31),
            paidAtLte: new DateTimeOffset(2024, 2, 1, 23, 59, 59, TimeSpan.FromHours(-5)), paymentProcessors: [3, 4], format: ReportFormat.Json);

        _mock.VerifyNoOutstandingExpectation();
        Assert.Equal(2, report.Total);
        var header = Assert.Single(report.ColumnHeaders!);
        Assert.Equal(SortOrder.Desc, header.Sorted!.Order);
        Assert.Equal([2, 1], report.Rows.Select(r => r.Id));
    }

    [Fact]
    public async Task Grouped_report_data_reads_counts()
    {
        _mock.Expect(HttpMethod.Get, Base + "reports/invoices.grouped/data").WithExactQueryString("columns=status,count")
            .Respond("application/json", "{\"total\":1,\"column_headers\":[],\"rows\":[{\"status\":\"paid\",\"count\":12}]}");

        var report = await new ReportsClient(Http).GetInvoicesGroupedDataAsync([InvoicesGroupedReportColumn.Status, InvoicesGroupedReportColumn.Count]);

        var row = Assert.Single(report.Rows);
        Assert.Equal(ReportInvoiceStatus.Paid, row.Status);
        Assert.Equal(12, row.Count);
    }

    [Fact]
    public async Task Line_item_reports_use_their_own_paths()
    {
        _mock.Expect(HttpMethod.Get, Base + "reports/invoice_line_items/data").WithExactQueryString("limit=10&offset=20").Respond("application/json", Payloads.EmptyReport);
        _mock.Expect(HttpMethod.Get, Base + "reports/invoice_line_items.grouped/data").WithExactQueryString("columns=type").Respond("application/json", Payloads.EmptyReport);

        await new ReportsClient(Http).GetInvoiceLineItemsDataAsync(limit: 10, offset: 20);
        await new ReportsClient(Http).GetInvoiceLineItemsGroupedDataAsync(columns: [InvoiceLineItemsGroupedReportColumn.Type]);

        _mock.VerifyNoOutstandingExpectation();
    }

    [Theory]
    [InlineData("reports/invoices/export")]
    [InlineData("reports/invoices.grouped/export")]
    [InlineData("reports/invoice_line_items/export")]
    [InlineData("reports/invoice_line_items.grouped/export")]
    public async Task Exports_post_a_json_body_and_read_the_job_id(string path)
    {
        _mock.Expect(HttpMethod.Post, Base + path).With(request => request.Content!.Headers.ContentType!.MediaType == "application/json")
            .WithPartialContent("\"format\":\"csv\"").Respond("application/json", "{\"job\":77}");
        var reports = new ReportsClient(Http);

        var created = path switch
        {
            "reports/invoices/export" => await reports.ExportInvoicesAsync(body: new() { Format = ReportFormat.Csv, Columns = [InvoicesReportColumn.Id] }),
            "reports/invoices.grouped/export" => await reports.ExportInvoicesGroupedAsync(new() { Format = ReportFormat.Csv, Columns = [InvoicesGroupedReportColumn.Count] }),
            "reports/invoice_line_items/export" => await reports.ExportInvoiceLineItemsAsync(body: new() { Format = ReportFormat.Csv }),
            _ => await reports.ExportInvoiceLineItemsGroupedAsync(body: new() { Format = ReportFormat.Csv }),
        };

        _mock.VerifyNoOutstandingExpectation();
        Assert.Equal(77, created.Job);
    }

    [Fact]
    public async Task Jobs_Retrieve_reads_progress_and_result_url()
    {
        _mock.Expect(HttpMethod.Get, Base + "jobs/77").Respond("application/json",
            "{\"id\":77,\"object\":\"job\",\"result_url\":\"https://files.example.net/x.csv?sig=1\",\"total_items\":10,\"complete_items\":10}");

        var job = await new JobsClient(Http).RetrieveAsync(77);

        Assert.Equal(new Uri("https://files.example.net/x.csv?sig=1"), job.ResultUrl);
        Assert.Equal(10, job.CompleteItems);
    }

    [Fact]
    public async Task An_error_body_becomes_TeamUpApiException_with_status_operation_request_id_and_detail()
    {
        _mock.When(Base + "invoices/9").Respond(HttpStatusCode.NotFound, [new("X-Request-Id", "req-123")], "application/json", "{\"detail\":\"Not found.\"}");

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => new InvoicesClient(Http).RetrieveAsync(9));

        Assert.Equal(404, error.StatusCode);
        Assert.Equal("Invoices_Retrieve", error.Operation);
        Assert.Equal("req-123", error.RequestId);
        Assert.Equal("Not found.", error.Error!.Detail);
        Assert.Equal("Invoices_Retrieve failed: 404 Not Found. Not found. (request id req-123).", error.Message);
    }

    [Fact]
    public async Task An_html_error_page_gives_a_clear_message_not_a_parse_error()
    {
        _mock.When(Base + "jobs/1").Respond(HttpStatusCode.BadGateway, "text/html", "<html><body><h1>502 Bad Gateway</h1></body></html>");

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => new JobsClient(Http).RetrieveAsync(1));

        Assert.Equal(502, error.StatusCode);
        Assert.Contains("502 Bad Gateway", error.Message);
        Assert.Contains("text/html, not JSON", error.Message);
        Assert.StartsWith("<html>", error.ResponseExcerpt);
    }

    [Fact]
    public async Task Rate_limiting_is_its_own_exception_with_retry_after()
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{\"detail\":\"Slow down.\"}", System.Text.Encoding.UTF8, "application/json") };
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(TimeSpan.FromSeconds(30));
        _mock.When(Base + "invoices").Respond(_ => response);

        var error = await Assert.ThrowsAsync<TeamUpRateLimitedException>(() => new InvoicesClient(Http).ListAsync());

        Assert.Equal(TimeSpan.FromSeconds(30), error.RetryAfter);
        Assert.Equal(429, error.StatusCode);
    }

    [Fact]
    public async Task Retry_after_as_a_date_is_measured_against_the_servers_date_header()
    {
        var response = new HttpResponseMessage(HttpStatusCode.TooManyRequests) { Content = new StringContent("{}", System.Text.Encoding.UTF8, "application/json") };
        var serverNow = new DateTimeOffset(2031, 1, 1, 12, 0, 0, TimeSpan.Zero);
        response.Headers.Date = serverNow;
        response.Headers.RetryAfter = new System.Net.Http.Headers.RetryConditionHeaderValue(serverNow.AddSeconds(90));
        _mock.When(Base + "invoices").Respond(_ => response);

        var error = await Assert.ThrowsAsync<TeamUpRateLimitedException>(() => new InvoicesClient(Http).ListAsync());

        Assert.Equal(TimeSpan.FromSeconds(90), error.RetryAfter);
    }

    [Fact]
    public async Task Malformed_success_json_is_a_TeamUpApiException_with_the_json_error_inside()
    {
        _mock.When(Base + "jobs/1").Respond("application/json", "{\"id\":1,\"object\":");

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => new JobsClient(Http).RetrieveAsync(1));

        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(error.InnerException);
        Assert.Equal("Jobs_Retrieve", error.Operation);
    }

    [Fact]
    public async Task Credentials_echoed_in_an_error_body_are_masked()
    {
        _mock.When(Base + "jobs/1").Respond(HttpStatusCode.Unauthorized, "application/json", "{\"detail\":\"Bad header: Token sk_live_abc123\"}");

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => new JobsClient(Http).RetrieveAsync(1));

        Assert.DoesNotContain("sk_live_abc123", error.Message);
        Assert.DoesNotContain("sk_live_abc123", error.ResponseExcerpt);
        Assert.DoesNotContain("sk_live_abc123", error.ToString());
    }

    [Fact]
    public async Task Cancellation_reaches_the_http_call()
    {
        _mock.When(Base + "jobs/1").Respond(async () => { await Task.Delay(Timeout.Infinite); return new HttpResponseMessage(); });
        using var cancel = new CancellationTokenSource(TimeSpan.FromMilliseconds(50));

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => new JobsClient(Http).RetrieveAsync(1, cancel.Token));
    }
}
