using System.Net;
using System.Net.Http.Headers;
using System.Text;

namespace TeamUp.Client.Tests;

public class ExportTests
{
    private const string ExportUrl = FakeTeamUp.Base + "reports/invoices/export*";
    private const string JobUrl = FakeTeamUp.Base + "jobs/12";
    private const string Storage = "https://storage.test/exports/12.csv?X-Amz-Signature=sig123";

    private static string JobJson(int complete, int total, string? resultUrl = null) =>
        $$"""{"id":12,"object":"job","result_url":{{(resultUrl is null ? "null" : "\"" + resultUrl + "\"")}},"total_items":{{total}},"complete_items":{{complete}}}""";

    private static HttpResponseMessage Text(string mediaType, string body) =>
        new(HttpStatusCode.OK) { Content = new StringContent(body, Encoding.UTF8, mediaType) };

    private sealed class ListProgress : IProgress<ExportProgress>
    {
        public List<ExportProgress> Reports { get; } = [];

        public void Report(ExportProgress value) => Reports.Add(value);
    }

    [Fact]
    public async Task Start_wait_with_backoff_and_progress_then_download_without_credentials()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Post, ExportUrl, FakeTeamUp.Answer(HttpStatusCode.OK, """{"job":12}"""));
        api.On(HttpMethod.Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(0, 100)),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(10, 100)), // a pace that predicts no finish before the doubled wait
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(100, 100, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => Text("text/csv", "id,due_date\n1,2026-01-31\n"));
        using var client = api.Client();
        var progress = new ListProgress();

        var job = await client.Reports.StartInvoicesExportAsync(new InvoicesReportExportRequest { Columns = [InvoicesReportColumn.Id], Format = ReportFormat.Csv });
        Assert.Equal(12, job.Id);
        Assert.Null(job.LastStatus);
        var done = await api.Run(() => job.WaitForCompletionAsync(progress));
        using var file = new MemoryStream();
        await job.DownloadToAsync(file);

        Assert.Equal(new Uri(Storage), done.ResultUrl);
        Assert.True(job.IsComplete);
        Assert.Equal([0.0, 0.1, 1.0], progress.Reports.Select(p => p.Fraction!.Value));
        var polls = api.Requests.Where(r => r.Uri.AbsolutePath.EndsWith("/jobs/12", StringComparison.Ordinal)).Select(r => r.At).ToArray();
        Assert.Equal(3, polls.Length);
        Assert.Equal(TimeSpan.FromSeconds(1), polls[1] - polls[0]); // ExportPollInterval
        Assert.Equal(TimeSpan.FromSeconds(2), polls[2] - polls[1]); // doubled
        Assert.Equal("id,due_date\n1,2026-01-31\n", Encoding.UTF8.GetString(file.ToArray()));
        var download = Assert.Single(api.Requests, r => r.Uri.Host == "storage.test");
        Assert.Null(download.Authorization);
        Each.Of(api.Requests.Where(r => r.Uri.Host == "api.teamup.test"), r => Assert.Equal("Token " + FakeTeamUp.Key, r.Authorization));
    }

    [Fact]
    public async Task Export_max_poll_interval_caps_the_growing_wait_below_max_retry_delay()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(0, 10)),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(2, 10)),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(4, 10)),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(6, 10)),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(10, 10, Storage)));
        using var client = api.Client(o => o.ExportMaxPollInterval = TimeSpan.FromSeconds(3)); // MaxRetryDelay stays 30 s

        await api.Run(() => client.Jobs.GetExportJob(12).WaitForCompletionAsync());

        var polls = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(5, polls.Length);
        var waits = polls.Zip(polls.Skip(1), (a, b) => b - a).ToArray();
        Assert.Equal([1, 2, 3, 3], waits.Select(w => w.TotalSeconds)); // ExportPollInterval, doubled, then capped (not 4 s)
    }

    [Fact]
    public void Export_max_poll_interval_below_the_first_poll_is_invalid()
    {
        var options = new TeamUpClientOptions { ApiKey = "key", ExportPollInterval = TimeSpan.FromSeconds(2), ExportMaxPollInterval = TimeSpan.FromSeconds(1) };
        Assert.Contains(options.ValidationErrors(), e => e.Contains("ExportMaxPollInterval", StringComparison.Ordinal));
        options.ExportMaxPollInterval = TimeSpan.FromSeconds(2);
        Assert.Empty(options.ValidationErrors());
    }

    [Fact]
    public async Task Retry_after_on_a_poll_slows_the_polling()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 10), r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(15))),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(10, 10, Storage)));
        using var client = api.Client();

        await api.Run(() => client.Jobs.GetExportJob(12).WaitForCompletionAsync());

        var polls = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(2, polls.Length);
        Assert.Equal(TimeSpan.FromSeconds(15), polls[1] - polls[0]);
    }

    [Fact]
    public async Task Rate_limited_polls_keep_waiting_as_asked()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.TooManyRequests, "{}", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1))),
            FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(10, 10, Storage)));
        using var client = api.Client(o => o.ExportTimeout = TimeSpan.FromHours(2));

        var job = await api.Run(() => client.Jobs.GetExportJob(12).WaitForCompletionAsync());

        Assert.NotNull(job.ResultUrl);
        var polls = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(2, polls.Length);
        Assert.Equal(TimeSpan.FromHours(1), polls[1] - polls[0]); // as asked, and no attempt or total timeout fired on the way
    }

    [Fact]
    public async Task Waiting_gives_up_after_the_export_timeout()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(3, 10)));
        using var client = api.Client(o => o.ExportTimeout = TimeSpan.FromMinutes(2));

        var error = await Assert.ThrowsAsync<TeamUpExportTimeoutException>(() => api.Run(() => client.Jobs.GetExportJob(12).WaitForCompletionAsync()));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Timeout, error.Kind);
        Assert.Equal(12, error.JobId);
        Assert.Equal(3, error.LastStatus!.CompleteItems);
        Assert.Contains("did not finish", error.Message);
        Assert.Contains("3 of 10", error.Message);
        // 1, 2, 4, 8, 16, 30, 30 s apart, then the 29 s left: the last poll is exactly at the deadline.
        Assert.Equal([0, 1, 3, 7, 15, 31, 61, 91, 120], api.Requests.Select(r => (r.At - api.Requests.First().At).TotalSeconds));
    }

    [Fact]
    public async Task Cancelling_while_waiting_between_polls_stops_with_OperationCanceledException()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(3, 10)));
        using var client = api.Client();
        using var cancel = new CancellationTokenSource();

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Jobs.GetExportJob(12).WaitForCompletionAsync(new SyncProgress(cancel), cancel.Token));

        Assert.Single(api.Requests);
    }

    private sealed class SyncProgress(CancellationTokenSource cancel) : IProgress<ExportProgress>
    {
        public void Report(ExportProgress value) => cancel.Cancel();
    }

    [Fact]
    public async Task Redirects_are_followed_by_hand_and_never_carry_credentials_off_the_api()
    {
        using var api = new FakeTeamUp();
        var onApi = FakeTeamUp.Base + "jobs/12/result";
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, onApi)));
        api.On(HttpMethod.Get, onApi, FakeTeamUp.Answer(HttpStatusCode.Found, "", r => r.Headers.Location = new Uri(Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", FakeTeamUp.Answer(HttpStatusCode.TemporaryRedirect, "", r => r.Headers.Location = new Uri("https://cdn.test/12.csv?sig=1")));
        api.On(HttpMethod.Get, "https://cdn.test/*", _ => Text("text/csv", "id\n7\n"));
        using var client = api.Client();

        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());
        using var file = new MemoryStream();
        await job.DownloadToAsync(file);

        Assert.Equal("id\n7\n", Encoding.UTF8.GetString(file.ToArray()));
        Assert.Equal("Token " + FakeTeamUp.Key, Assert.Single(api.Requests, r => r.Uri.AbsolutePath.EndsWith("/result", StringComparison.Ordinal)).Authorization);
        Assert.Null(Assert.Single(api.Requests, r => r.Uri.Host == "storage.test").Authorization);
        Assert.Null(Assert.Single(api.Requests, r => r.Uri.Host == "cdn.test").Authorization);
    }

    [Fact]
    public async Task A_redirect_to_plain_http_is_refused()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", FakeTeamUp.Answer(HttpStatusCode.Found, "", r => r.Headers.Location = new Uri("http://cdn.test/12.csv")));
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => job.DownloadToAsync(Stream.Null)));

        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
        Assert.Contains("only https://", error.Message);
        Assert.DoesNotContain(api.Requests, r => r.Uri.Host == "cdn.test");
    }

    [Fact]
    public async Task A_failed_download_is_a_TeamUpApiException_without_the_signed_url()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => new HttpResponseMessage(HttpStatusCode.Forbidden)
        {
            Content = new StringContent("<Error><Code>AccessDenied</Code></Error>", Encoding.UTF8, "application/xml"),
        });
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12).DownloadToAsync(Stream.Null)));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
        Assert.Contains("AccessDenied", error.ResponseExcerpt);
        Assert.DoesNotContain("sig123", error.ToString());
    }

    [Fact]
    public async Task Download_streams_with_constant_memory()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, Storage)));
        var destination = new GateStream(threshold: 1 << 20);
        var source = new GatedSource(total: 64L << 20, gate: destination.Reached, gateAfter: 2 << 20);
        api.On(HttpMethod.Get, "https://storage.test/*", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(source) });
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());

        // The source stops after 2 MB until the destination has received 1 MB: a download that buffered first would never finish.
        await job.DownloadToAsync(destination).WaitAsync(TimeSpan.FromSeconds(20));

        Assert.Equal(64L << 20, destination.Length);
    }

    [Fact]
    public async Task Csv_amounts_and_dotted_columns_read_into_the_json_row_shape()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(2, 2, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => Text("text/csv", "id,customer.id,total_amount\n1,42,88.00\n2,43,0.50\n"));
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12, ReportFormat.Csv);

        var typed = await api.Run(() => job.ReadRowsAsync<InvoicesReportRow>().ToListAsync().AsTask());

        Assert.Equal([42, 43], typed.Select(r => r.Customer!.Id!.Value));
        Assert.Equal(88.00m, typed[0].TotalAmount!.Decimal);
        Assert.Equal("88.00", typed[0].TotalAmount!.String);
        Assert.Equal(string.Empty, typed[0].TotalAmount!.IsoCurrencyCode);
        Assert.Equal(88.50m, (typed[0].TotalAmount! + typed[1].TotalAmount!).Decimal);
    }

    [Fact]
    public async Task Csv_rows_as_dictionaries_and_typed_records()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(2, 2, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => Text("text/csv", "Id,Due Date,Note\n1,2026-01-31,\"a, b\"\n2,,x\n"));
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12, ReportFormat.Csv);

        var rows = await api.Run(() => job.ReadRowsAsync().ToListAsync().AsTask());
        var typed = await job.ReadRowsAsync<InvoicesReportRow>().ToListAsync().AsTask();

        Assert.Equal(2, rows.Count);
        Assert.Equal("a, b", rows[0]["Note"]);
        Assert.Equal("2026-01-31", rows[0]["Due Date"]);
        Assert.Equal([1, 2], typed.Select(r => r.Id!.Value));
        Assert.Equal(new DateOnly(2026, 1, 31), typed[0].DueDate);
        Assert.Null(typed[1].DueDate);
        Each.Of(api.Requests.Where(r => r.Uri.Host == "storage.test"), r => Assert.Null(r.Authorization));
    }

    [Fact]
    public async Task Json_rows_are_streamed_from_an_object_or_an_array()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(2, 2, "https://storage.test/12.json")));
        api.On(HttpMethod.Get, "https://storage.test/*",
            _ => Text("application/json", """{"total":2,"column_headers":[{"label":"Id","key":"id","sortable":true}],"rows":[{"id":1,"customer":{"id":5,"name":"Ann"}},{"id":2,"customer":null}]}"""),
            _ => Text("application/json", """[{"id":3,"due_date":"2026-02-01"}]"""));
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12, ReportFormat.Json);

        var rows = await api.Run(() => job.ReadRowsAsync().ToListAsync().AsTask());
        var typed = await job.ReadRowsAsync<InvoicesReportRow>().ToListAsync().AsTask();

        Assert.Equal(["1", "2"], rows.Select(r => r["id"]));
        Assert.Equal("""{"id":5,"name":"Ann"}""", rows[0]["customer"]);
        Assert.Null(rows[1]["customer"]);
        Assert.Equal(new DateOnly(2026, 2, 1), Assert.Single(typed).DueDate);
    }

    [Theory]
    [InlineData("""[{"id":1},{"id":2},{"id":""")]
    [InlineData("""{"rows":[{"id":1},{"id":2}""")]
    [InlineData("""[{"id":1},{"id":2} garbage""")]
    public async Task Truncated_or_malformed_json_files_fail_after_the_complete_rows(string body)
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(2, 2, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => Text("application/json", body));
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());

        var seen = new List<string?>();
        var error = await Assert.ThrowsAsync<TeamUpApiException>(async () =>
        {
            await foreach (var row in job.ReadRowsAsync())
            {
                seen.Add(row["id"]);
            }
        });

        Assert.Equal(["1", "2"], seen);
        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
    }

    [Fact]
    public async Task Malformed_csv_fails_with_the_row_number()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(2, 2, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => Text("text/csv", "id,name\n1,Ann\n2,Bob,extra\n"));
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());

        var error = await Assert.ThrowsAsync<TeamUpApiException>(async () =>
        {
            await foreach (var _ in job.ReadRowsAsync())
            {
            }
        });

        Assert.Contains("CSV row", error.Message);
        Assert.DoesNotContain("Bob", error.Message);
    }

    [Fact]
    public async Task Grouped_export_posts_its_body_and_returns_the_job()
    {
        using var api = new FakeTeamUp();
        string? body = null;
        api.Mock.When(HttpMethod.Post, FakeTeamUp.Base + "reports/invoices.grouped/export*").Respond(async request =>
        {
            body = await request.Content!.ReadAsStringAsync();
            return FakeTeamUp.Json(HttpStatusCode.OK, """{"job":77}""");
        });
        using var client = api.Client();

        var job = await client.Reports.StartInvoicesGroupedExportAsync(new InvoicesGroupedReportExportRequest
        {
            Columns = [InvoicesGroupedReportColumn.Status],
            Format = ReportFormat.Json,
        });

        Assert.Equal(77, job.Id);
        Assert.Equal(ReportFormat.Json, job.Format);
        Assert.Contains("\"columns\":[\"status\"]", body);
        Assert.Contains("\"format\":\"json\"", body);
    }

    [Fact]
    public async Task Post_export_is_sent_once_even_when_the_server_fails()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Post, FakeTeamUp.Base + "reports/invoice_line_items/export*", FakeTeamUp.Answer(HttpStatusCode.BadGateway, "{}"));
        using var client = api.Client();

        await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Reports.StartInvoiceLineItemsExportAsync(new InvoiceLineItemsReportExportRequest())));

        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Cancelling_a_download_midway_stops_with_OperationCanceledException()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, Storage)));
        using var cancel = new CancellationTokenSource();
        var destination = new GateStream(threshold: 256 << 10);
        _ = destination.Reached.Task.ContinueWith(_ => cancel.Cancel(), TaskScheduler.Default);
        var neverOpens = new TaskCompletionSource();
        api.On(HttpMethod.Get, "https://storage.test/*", _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StreamContent(new GatedSource(64L << 20, neverOpens, 1 << 20)) });
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());

        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => job.DownloadToAsync(destination, cancel.Token).WaitAsync(TimeSpan.FromSeconds(20)));
    }

    [Theory]
    [InlineData("text/csv", "id\n1\n2\n3\n")]
    [InlineData("application/json", "[{\"id\":1},{\"id\":2},{\"id\":3}]")]
    public async Task Cancelling_while_reading_rows_stops_with_OperationCanceledException(string mediaType, string body)
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, JobJson(1, 1, Storage)));
        api.On(HttpMethod.Get, "https://storage.test/*", _ => Text(mediaType, body));
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12);
        await api.Run(() => job.WaitForCompletionAsync());
        using var cancel = new CancellationTokenSource();

        var rows = 0;
        await Assert.ThrowsAnyAsync<OperationCanceledException>(async () =>
        {
            await foreach (var _ in job.ReadRowsAsync<InvoicesReportRow>(cancel.Token))
            {
                rows++;
                await cancel.CancelAsync();
            }
        });

        Assert.Equal(1, rows);
    }

    /// <summary>A write-only destination that signals once it has received <c>threshold</c> bytes.</summary>
    private sealed class GateStream(long threshold) : SinkStream
    {
        private long _length;

        public TaskCompletionSource Reached { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        public override long Length => _length;

        public override void Write(byte[] buffer, int offset, int count)
        {
            _length += count;
            if (_length >= threshold)
            {
                Reached.TrySetResult();
            }
        }
    }

    /// <summary>Produces <c>total</c> bytes lazily; past <c>gateAfter</c> bytes it waits for <c>gate</c>.</summary>
    private sealed class GatedSource(long total, TaskCompletionSource gate, long gateAfter) : SourceStream
    {
        private long _position;

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_position >= gateAfter)
            {
                await gate.Task.WaitAsync(cancellationToken);
            }
            var count = (int)Math.Min(buffer.Length, total - _position);
            buffer.Span[..count].Fill((byte)'x');
            _position += count;
            return count;
        }
    }
}
