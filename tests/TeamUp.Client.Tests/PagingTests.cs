using System.Net;
using System.Text;

namespace TeamUp.Client.Tests;

public class PagingTests
{
    private const string InvoicesUrl = FakeTeamUp.Base + "invoices*";
    private const string ReportUrl = FakeTeamUp.Base + "reports/invoices*";

    internal static string Invoice(int id) =>
        $$"""{"id":{{id}},"object":"invoice","status":"paid","due_date":"2026-01-31","created_at":"2026-01-01T10:00:00Z","is_credit_note":false,"total_amount_due":{"decimal":10.5,"string":"$10.50","iso_currency_code":"USD","currency_symbol":"$","currency_symbol_position":"before"},"payer":3,"legacy_invoice_key":"K{{id}}"}""";

    private static string Page(string? next, params int[] ids) =>
        $$"""{"count":5,"next":{{(next is null ? "null" : "\"" + next + "\"")}},"previous":null,"results":[{{string.Join(",", ids.Select(Invoice))}}]}""";

    private static string ReportPage(int total, IEnumerable<int> ids) =>
        $$"""{"total":{{total}},"rows":[{{string.Join(",", ids.Select(i => $$"""{"id":{{i}}}"""))}}]}""";

    private static int PageOf(HttpRequestMessage request) =>
        int.Parse(System.Web.HttpUtility.ParseQueryString(request.RequestUri!.Query)["page"] ?? "1", System.Globalization.CultureInfo.InvariantCulture);

    [Fact]
    public async Task ListAll_follows_next_links_on_the_api_origin()
    {
        using var api = new FakeTeamUp();
        var next2 = FakeTeamUp.Base + "invoices?page=2&status=paid&cursor=abc";
        var next3 = FakeTeamUp.Base + "invoices?page=3&status=paid&cursor=def";
        api.Mock.When(HttpMethod.Get, InvoicesUrl).WithQueryString("cursor", "abc").Respond("application/json", Page(next3, 3, 4));
        api.Mock.When(HttpMethod.Get, InvoicesUrl).WithQueryString("cursor", "def").Respond("application/json", Page(null, 5));
        api.Mock.When(HttpMethod.Get, InvoicesUrl).Respond("application/json", Page(next2, 1, 2));
        using var client = api.Client();

        var ids = new List<int>();
        await foreach (var invoice in client.Invoices.ListAllAsync(new() { Status = [InvoiceStatus.Paid], PageSize = 2 }))
        {
            ids.Add(invoice.Id);
        }

        Assert.Equal([1, 2, 3, 4, 5], ids);
        var uris = api.Requests.Select(r => r.Uri.AbsoluteUri).ToArray();
        Assert.Equal(3, uris.Length);
        Assert.Contains("status=paid", uris[0]);
        Assert.Contains("page_size=2", uris[0]);
        Assert.Equal(next2, uris[1]);
        Assert.Equal(next3, uris[2]);
        Assert.All(api.Requests, r => Assert.Equal("Token " + FakeTeamUp.Key, r.Authorization));
    }

    [Theory]
    [InlineData("https://evil.test/api/v2/invoices?page=2")]
    [InlineData("http://api.teamup.test/api/v2/invoices?page=2")]
    [InlineData("https://api.teamup.test:8443/api/v2/invoices?page=2")]
    public async Task A_next_link_to_another_origin_is_not_followed(string next)
    {
        using var api = new FakeTeamUp();
        api.Mock.When(HttpMethod.Get, "*").Respond("application/json", Page(next, 1, 2));
        using var client = api.Client();

        var ids = new List<int>();
        var error = await Assert.ThrowsAsync<TeamUpApiException>(async () =>
        {
            await foreach (var invoice in client.Invoices.ListAllAsync())
            {
                ids.Add(invoice.Id);
            }
        });

        Assert.Equal([1, 2], ids);
        Assert.Single(api.Requests);
        Assert.Equal("Invoices_List", error.Operation);
        Assert.Contains("'next' link", error.Message);
    }

    [Fact]
    public async Task A_relative_next_link_is_resolved_against_the_api()
    {
        using var api = new FakeTeamUp();
        api.Mock.When(HttpMethod.Get, InvoicesUrl).WithQueryString("page", "2").Respond("application/json", Page(null, 2));
        api.Mock.When(HttpMethod.Get, InvoicesUrl).Respond("application/json", Page("/api/v2/invoices?page=2", 1));
        using var client = api.Client();

        var ids = new List<int>();
        await foreach (var invoice in client.Invoices.ListAllAsync())
        {
            ids.Add(invoice.Id);
        }

        Assert.Equal([1, 2], ids);
        Assert.Equal(FakeTeamUp.Base + "invoices?page=2", api.Requests.Last().Uri.AbsoluteUri);
    }

    [Fact]
    public async Task A_next_link_that_loops_is_an_error()
    {
        using var api = new FakeTeamUp();
        api.Mock.When(HttpMethod.Get, InvoicesUrl).Respond("application/json", Page(FakeTeamUp.Base + "invoices?page=2", 1));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(async () =>
        {
            await foreach (var _ in client.Invoices.ListAllAsync())
            {
            }
        });

        Assert.Contains("already read", error.Message);
        Assert.Equal(2, api.Requests.Count);
    }

    [Fact]
    public async Task Report_rows_are_paged_by_page_and_page_size_until_total()
    {
        using var api = new FakeTeamUp();
        api.Mock.When(HttpMethod.Get, ReportUrl).Respond(request =>
        {
            var page = PageOf(request);
            var ids = Enumerable.Range((page - 1) * 3 + 1, 3).Where(i => i <= 7);
            return Task.FromResult(FakeTeamUp.Json(HttpStatusCode.OK, ReportPage(7, ids)));
        });
        using var client = api.Client();

        var rows = new List<int>();
        await foreach (var row in client.Reports.GetInvoicesRowsAsync(new() { PageSize = 3, Columns = [InvoicesReportColumn.Id], Customers = [5, 6] }))
        {
            rows.Add(row.Id!.Value);
        }

        Assert.Equal(Enumerable.Range(1, 7), rows);
        Assert.Equal(3, api.Requests.Count); // 7 rows / 3 per page: no fourth request
        Assert.All(api.Requests, r =>
        {
            Assert.Contains("format=json", r.Uri.Query);
            Assert.Contains("page_size=3", r.Uri.Query);
            Assert.Contains("customers=5,6", r.Uri.Query);
        });
    }

    [Theory]
    [InlineData(1)]
    [InlineData(3)]
    public async Task Concurrent_report_pages_keep_row_order_and_the_bound(int maxConcurrency)
    {
        using var api = new FakeTeamUp();
        var random = new Random(42);
        api.Intercept = async (request, ct) =>
        {
            var page = PageOf(request);
            int after;
            lock (random)
            {
                after = random.Next(1, 15);
            }
            await Task.Delay(TimeSpan.FromMilliseconds(after), api.Time, ct); // pages answer out of order
            var ids = Enumerable.Range((page - 1) * 10 + 1, 10).Where(i => i <= 95);
            return FakeTeamUp.Json(HttpStatusCode.OK, ReportPage(95, ids));
        };
        using var client = api.Client();

        var rows = await api.Run(() => client.Reports.GetInvoiceLineItemsRowsAsync(new() { PageSize = 10, MaxConcurrency = maxConcurrency })
            .Select(row => row.Id!.Value).ToListAsync().AsTask());

        Assert.Equal(Enumerable.Range(1, 95), rows);
        Assert.Equal(10, api.Requests.Count);
        Assert.Equal(maxConcurrency, api.MaxInFlight);
    }

    [Fact]
    public async Task Stopping_early_cancels_pages_fetched_ahead()
    {
        using var api = new FakeTeamUp();
        api.Intercept = async (request, ct) =>
        {
            if (PageOf(request) > 1)
            {
                await api.StallAsync(ct); // only a cancellation ends these
            }
            return FakeTeamUp.Json(HttpStatusCode.OK, ReportPage(100, Enumerable.Range(1, 10)));
        };
        using var client = api.Client();

        await foreach (var row in client.Reports.GetInvoicesRowsAsync(new() { PageSize = 10, MaxConcurrency = 4 }))
        {
            if (row.Id == 3)
            {
                break;
            }
        }

        Assert.Equal(0, api.InFlight);
        Assert.InRange(api.Requests.Count, 1, 5);
    }

    [Fact]
    public async Task Cancelling_between_pages_stops_with_OperationCanceledException()
    {
        using var api = new FakeTeamUp();
        api.Mock.When(HttpMethod.Get, ReportUrl).Respond(request =>
            Task.FromResult(FakeTeamUp.Json(HttpStatusCode.OK, ReportPage(30, Enumerable.Range((PageOf(request) - 1) * 10 + 1, 10)))));
        using var client = api.Client();
        using var cancel = new CancellationTokenSource();

        var rows = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in client.Reports.GetInvoicesRowsAsync(new() { PageSize = 10 }, cancel.Token))
            {
                if (++rows == 10)
                {
                    await cancel.CancelAsync();
                }
            }
        });

        Assert.Equal(10, rows);
        Assert.InRange(api.Requests.Count, 1, 2); // page 1, and page 2 requested ahead at most
    }

    [Fact]
    public async Task Grouped_report_without_total_reads_until_a_short_page()
    {
        using var api = new FakeTeamUp();
        api.Mock.When(HttpMethod.Get, FakeTeamUp.Base + "reports/invoices.grouped*").Respond(request =>
        {
            var page = PageOf(request);
            var rows = string.Join(",", Enumerable.Range(0, page < 3 ? 2 : 1).Select(_ => """{"status":"paid"}"""));
            return Task.FromResult(FakeTeamUp.Json(HttpStatusCode.OK, $$"""{"rows":[{{rows}}]}"""));
        });
        using var client = api.Client();

        var count = 0;
        await foreach (var row in client.Reports.GetInvoicesGroupedRowsAsync(new() { PageSize = 2, Columns = [InvoicesGroupedReportColumn.Status] }))
        {
            Assert.Equal(ReportInvoiceStatus.Paid, row.Status);
            count++;
        }

        Assert.Equal(5, count);
        Assert.Equal(3, api.Requests.Count);
    }
}
