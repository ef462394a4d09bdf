using System.Globalization;
using System.Net;
using System.Net.Http.Headers;

namespace TeamUp.Client.Tests;

public class RetryTests
{
    private const string Job = """{"id":7,"object":"job","result_url":null,"total_items":10,"complete_items":1}""";
    private const string JobUrl = FakeTeamUp.Base + "jobs/7";
    private const string ExportUrl = FakeTeamUp.Base + "reports/invoices/export*";
    private static readonly HttpMethod Get = HttpMethod.Get;
    private static readonly HttpMethod Post = HttpMethod.Post;

    private static Task<ExportJobCreated> Export(TeamUpClient client) =>
        client.Reports.ExportInvoicesAsync(ReportFormat.Csv, new InvoicesReportExportRequest { Format = ReportFormat.Csv });

    [Theory]
    [InlineData(HttpStatusCode.RequestTimeout)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    public async Task Get_is_retried_after_transient_status(HttpStatusCode status)
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, FakeTeamUp.Answer(status, "{}"), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();

        var job = await api.Run(() => client.Jobs.RetrieveAsync(7));

        Assert.Equal(7, job.Id);
        Assert.Equal(2, api.Count(Get, "/api/v2/jobs/7"));
    }

    [Theory]
    [InlineData(HttpStatusCode.BadRequest)]
    [InlineData(HttpStatusCode.Unauthorized)]
    [InlineData(HttpStatusCode.Forbidden)]
    [InlineData(HttpStatusCode.NotFound)]
    public async Task Get_is_not_retried_after_a_client_error(HttpStatusCode status)
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, FakeTeamUp.Answer(status, """{"detail":"no"}"""), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal((int)status, error.StatusCode);
        Assert.Equal(1, api.Count(Get, "/api/v2/jobs/7"));
    }

    [Fact]
    public async Task Get_gives_up_after_MaxRetries()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable, """{"detail":"down"}"""));
        using var client = api.Client(o => o.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(503, error.StatusCode);
        Assert.Equal(3, api.Count(Get, "/api/v2/jobs/7"));
    }

    [Fact]
    public async Task MaxRetries_zero_disables_retries()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client(o => o.MaxRetries = 0);

        await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(1, api.Count(Get, "/api/v2/jobs/7"));
    }

    [Fact]
    public async Task Get_is_retried_after_a_network_failure_and_then_reports_status_0()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, FakeTeamUp.Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "Connection reset")));
        using var client = api.Client(o => o.MaxRetries = 2);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Transport, error.Kind);
        Assert.Equal("Jobs_Retrieve", error.Operation);
        Assert.Contains("no response", error.Message);
        Assert.Contains("ResponseEnded", error.Message);
        Assert.IsType<HttpRequestException>(error.InnerException);
        Assert.Equal(3, api.Count(Get, "/api/v2/jobs/7"));
    }

    [Theory]
    [InlineData(HttpStatusCode.InternalServerError)]
    [InlineData(HttpStatusCode.BadGateway)]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.GatewayTimeout)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task Post_is_never_retried_after_5xx_or_408(HttpStatusCode status)
    {
        using var api = new FakeTeamUp();
        api.On(Post, ExportUrl, FakeTeamUp.Answer(status, "{}"), FakeTeamUp.Answer(HttpStatusCode.OK, """{"job":1}"""));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => Export(client)));

        Assert.Equal((int)status, error.StatusCode);
        Assert.Equal("Reports_ExportInvoices", error.Operation);
        Assert.Equal(1, api.Count(Post, "/api/v2/reports/invoices/export"));
    }

    [Fact]
    public async Task Post_is_retried_after_429()
    {
        using var api = new FakeTeamUp();
        api.On(Post, ExportUrl, FakeTeamUp.Answer(HttpStatusCode.TooManyRequests, "{}"), FakeTeamUp.Answer(HttpStatusCode.OK, """{"job":12}"""));
        using var client = api.Client();

        var created = await api.Run(() => Export(client));

        Assert.Equal(12, created.Job);
        Assert.Equal(2, api.Count(Post, "/api/v2/reports/invoices/export"));
    }

    [Fact]
    public async Task Post_is_retried_when_the_connection_failed_before_sending()
    {
        using var api = new FakeTeamUp();
        api.On(Post, ExportUrl,
            FakeTeamUp.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "Connection refused")),
            FakeTeamUp.Answer(HttpStatusCode.OK, """{"job":12}"""));
        using var client = api.Client();

        var created = await api.Run(() => Export(client));

        Assert.Equal(12, created.Job);
        Assert.Equal(2, api.Count(Post, "/api/v2/reports/invoices/export"));
    }

    [Fact]
    public async Task Post_is_not_retried_when_the_connection_broke_after_sending()
    {
        using var api = new FakeTeamUp();
        api.On(Post, ExportUrl,
            FakeTeamUp.Throw(new HttpRequestException(HttpRequestError.ResponseEnded, "The response ended prematurely")),
            FakeTeamUp.Answer(HttpStatusCode.OK, """{"job":12}"""));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => Export(client)));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Transport, error.Kind);
        Assert.Equal(1, api.Count(Post, "/api/v2/reports/invoices/export"));
    }

    [Fact]
    public async Task Post_is_not_retried_after_an_attempt_timeout()
    {
        using var api = new FakeTeamUp();
        var calls = 0;
        api.Intercept = async (request, ct) =>
        {
            Interlocked.Increment(ref calls);
            await api.StallAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };
        using var client = api.Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(5));

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => Export(client)));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Timeout, error.Kind);
        Assert.Contains("timed out", error.Message);
        Assert.Equal(1, calls);
    }

    [Fact]
    public async Task Get_is_retried_after_an_attempt_timeout()
    {
        using var api = new FakeTeamUp();
        var calls = 0;
        api.Intercept = async (request, ct) =>
        {
            if (Interlocked.Increment(ref calls) == 1)
            {
                await api.StallAsync(ct);
            }
            return FakeTeamUp.Json(HttpStatusCode.OK, Job);
        };
        using var client = api.Client(o => o.AttemptTimeout = TimeSpan.FromSeconds(5));

        var job = await api.Run(() => client.Jobs.RetrieveAsync(7));

        Assert.Equal(7, job.Id);
        Assert.Equal(2, calls);
    }

    [Fact]
    public async Task Retry_after_in_seconds_sets_the_wait()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.TooManyRequests, "{}", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(20))),
            FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();

        await api.Run(() => client.Jobs.RetrieveAsync(7));

        var times = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(2, times.Length);
        Assert.Equal(TimeSpan.FromSeconds(20), times[1] - times[0]);
    }

    [Fact]
    public async Task Retry_after_as_http_date_sets_the_wait()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl,
            _ =>
            {
                var response = FakeTeamUp.Json(HttpStatusCode.ServiceUnavailable, "{}");
                response.Headers.TryAddWithoutValidation("Retry-After", api.Time.GetUtcNow().AddSeconds(25).ToString("R", CultureInfo.InvariantCulture));
                return response;
            },
            FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();

        await api.Run(() => client.Jobs.RetrieveAsync(7));

        var times = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(2, times.Length);
        Assert.Equal(TimeSpan.FromSeconds(25), times[1] - times[0]);
    }

    [Fact]
    public async Task Retry_after_as_http_date_is_read_once_on_the_clients_clock_for_the_retry_and_the_error_alike()
    {
        // No Date header: the wait is measured on the client's (fake) clock, by the retry policy and by the exception alike.
        // The exception used to measure against the system clock, years away from the fake one.
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, _ =>
        {
            var response = FakeTeamUp.Json(HttpStatusCode.TooManyRequests, "{}");
            response.Headers.TryAddWithoutValidation("Retry-After", api.Time.GetUtcNow().AddHours(1).ToString("R", CultureInfo.InvariantCulture));
            return response;
        });
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpRateLimitedException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Equal(TeamUpFailureKind.RateLimited, error.Kind);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Retry_after_as_http_date_is_measured_against_the_answers_date_when_it_has_one()
    {
        // TeamUp's clock is a day ahead of ours: its Date says so, and the wait it asks for is still 20 s.
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl,
            _ =>
            {
                var response = FakeTeamUp.Json(HttpStatusCode.ServiceUnavailable, "{}");
                var serverNow = api.Time.GetUtcNow().AddDays(1);
                response.Headers.Date = serverNow;
                response.Headers.TryAddWithoutValidation("Retry-After", serverNow.AddSeconds(20).ToString("R", CultureInfo.InvariantCulture));
                return response;
            },
            FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();

        await api.Run(() => client.Jobs.RetrieveAsync(7));

        var times = api.Requests.Select(r => r.At).ToArray();
        Assert.Equal(TimeSpan.FromSeconds(20), times[1] - times[0]);
    }

    [Fact]
    public async Task Retry_after_beyond_the_total_timeout_is_not_waited_for()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.TooManyRequests, """{"detail":"slow down"}""", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromHours(1))),
            FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpRateLimitedException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(TimeSpan.FromHours(1), error.RetryAfter);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Retry_after_beyond_what_is_left_of_the_budget_fails_at_once_with_the_rate_limit_error()
    {
        // 70 s of the 120 s budget go to a slow first attempt and a 503 retry; then 429 asks for 60 s, more than the 50 s left.
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable, "{}", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(70))),
            FakeTeamUp.Answer(HttpStatusCode.TooManyRequests, """{"detail":"slow down"}""", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromSeconds(60))),
            FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client(o => o.TotalTimeout = TimeSpan.FromSeconds(120));

        var error = await Assert.ThrowsAsync<TeamUpRateLimitedException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(TimeSpan.FromSeconds(60), error.RetryAfter);
        Assert.Equal(2, api.Requests.Count);
        Assert.Equal(TimeSpan.FromSeconds(70), api.Time.GetUtcNow() - api.Requests.First().At); // failed at once after the 70 s wait
    }

    [Fact]
    public void The_policy_table_matches_the_documentation()
    {
        foreach (var status in new[] { 408, 429, 500, 502, 503, 504 })
        {
            Assert.True(TeamUpRetryPolicy.IsRetried(HttpMethod.Get, (HttpStatusCode)status));
        }
        foreach (var status in new[] { 400, 401, 403, 404, 409, 422 })
        {
            Assert.False(TeamUpRetryPolicy.IsRetried(HttpMethod.Get, (HttpStatusCode)status));
            Assert.False(TeamUpRetryPolicy.IsRetried(HttpMethod.Post, (HttpStatusCode)status));
        }
        foreach (var status in new[] { 408, 500, 502, 503, 504 })
        {
            Assert.False(TeamUpRetryPolicy.IsRetried(HttpMethod.Post, (HttpStatusCode)status));
        }
        Assert.True(TeamUpRetryPolicy.IsRetried(HttpMethod.Post, HttpStatusCode.TooManyRequests));
    }

    /// <summary>A 200 that promises a body and breaks off halfway, as a dropped connection mid-body does.</summary>
    private sealed class CutShortContent(string body) : HttpContent
    {
        protected override async Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context)
        {
            var bytes = System.Text.Encoding.UTF8.GetBytes(body);
            await stream.WriteAsync(bytes.AsMemory(0, bytes.Length / 2));
            throw new IOException("The response ended prematurely.");
        }

        protected override bool TryComputeLength(out long length)
        {
            length = System.Text.Encoding.UTF8.GetByteCount(body);
            return true;
        }
    }

    private static Func<HttpRequestMessage, HttpResponseMessage> CutShort(string body) =>
        _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new CutShortContent(body) };

    [Fact]
    public async Task Get_is_retried_when_the_body_is_cut_short()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, CutShort(Job), FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();

        var job = await api.Run(() => client.Jobs.RetrieveAsync(7));

        Assert.Equal(7, job.Id);
        Assert.Equal(2, api.Count(Get, "/api/v2/jobs/7"));
    }

    [Fact]
    public async Task Post_is_not_retried_when_the_body_is_cut_short()
    {
        using var api = new FakeTeamUp();
        api.On(Post, ExportUrl, CutShort("""{"job":12}"""), FakeTeamUp.Answer(HttpStatusCode.OK, """{"job":13}"""));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => Export(client)));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Transport, error.Kind);
        Assert.Equal("Reports_ExportInvoices", error.Operation);
        Assert.Equal(1, api.Count(Post, "/api/v2/reports/invoices/export"));
    }

    [Fact]
    public async Task Twenty_percent_transient_failures_do_not_open_the_circuit_breaker()
    {
        using var api = new FakeTeamUp();
        var count = 0;
        // Every fifth attempt fails (alternately 503 and 429): 20% over far more than the breaker's minimum throughput (100).
        api.Mock.When(Get, JobUrl).Respond(_ => Interlocked.Increment(ref count) % 5 == 0
            ? FakeTeamUp.Json(count % 10 == 0 ? HttpStatusCode.ServiceUnavailable : HttpStatusCode.TooManyRequests, "{}")
            : FakeTeamUp.Json(HttpStatusCode.OK, Job));
        using var client = api.Client();

        for (var i = 0; i < 200; i++)
        {
            var job = await api.Run(() => client.Jobs.RetrieveAsync(7));
            Assert.Equal(7, job.Id);
        }

        Assert.Equal(249, api.Count(Get, "/api/v2/jobs/7")); // 200 answers and 49 failures in between
    }

    [Fact]
    public async Task The_circuit_breaker_opens_when_TeamUp_is_down()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable, """{"detail":"down"}"""));
        using var client = api.Client(o => o.MaxRetries = 0);

        TeamUpApiException? last = null;
        for (var i = 0; i < 120 && last?.StatusCode != 0; i++)
        {
            last = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));
        }

        Assert.Equal(0, last!.StatusCode);
        Assert.Equal(TeamUpFailureKind.Transport, last!.Kind);
        Assert.Contains("circuit breaker", last.Message, StringComparison.Ordinal);
        Assert.InRange(api.Count(Get, "/api/v2/jobs/7"), 100, 119);
    }
}
