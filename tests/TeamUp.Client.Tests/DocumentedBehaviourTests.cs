using System.Net;
using System.Net.Http.Headers;
using System.Text;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TeamUp.Client.Tests;

/// <summary>What the README promises about options, timeouts, the circuit breaker, downloads and errors; expectations are the README's literals.</summary>
public class DocumentedBehaviourTests
{
    private const string Job = """{"id":7,"object":"job","result_url":null,"total_items":10,"complete_items":1}""";
    private const string JobUrl = FakeTeamUp.Base + "jobs/7";
    private const string Storage = "https://storage.test/exports/12.csv?X-Amz-Signature=sig123";
    private static readonly HttpMethod Get = HttpMethod.Get;

    private static string FinishedJob(string resultUrl) =>
        $$"""{"id":12,"object":"job","result_url":"{{resultUrl}}","total_items":1,"complete_items":1}""";

    [Fact]
    public void Options_defaults_are_the_documented_ones()
    {
        var options = new TeamUpClientOptions();

        Assert.Equal(new Uri("https://goteamup.com/api/v2/"), options.BaseUrl);
        Assert.Equal(TimeSpan.FromSeconds(30), options.AttemptTimeout);
        Assert.Equal(TimeSpan.FromMinutes(2), options.TotalTimeout);
        Assert.Equal(3, options.MaxRetries);
        Assert.Equal(TimeSpan.FromSeconds(1), options.RetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(30), options.MaxRetryDelay);
        Assert.Equal(TimeSpan.FromSeconds(1), options.ExportPollInterval);
        Assert.Null(options.ExportMaxPollInterval); // MaxRetryDelay then caps the polls
        Assert.Equal(TimeSpan.FromMinutes(30), options.ExportTimeout);
        Assert.Equal(TimeSpan.FromMinutes(1), options.DownloadIdleTimeout);
        Assert.Same(TimeProvider.System, options.TimeProvider);
        Assert.Null(options.ApiKey);
        Assert.Null(options.AccessToken);
        Assert.Null(options.ProviderId);
        Assert.Null(options.RequestMode);
        Assert.Null(options.ApplicationId);
    }

    [Fact]
    public async Task The_total_timeout_ends_a_call_across_its_retries()
    {
        // Every attempt hangs until its 30 s attempt timeout: 4 attempts and their back-offs need more than the 2 minutes.
        using var api = new FakeTeamUp();
        api.Intercept = async (_, ct) =>
        {
            await api.StallAsync(ct);
            return FakeTeamUp.Json(HttpStatusCode.OK, Job);
        };
        using var client = api.Client();
        var started = api.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(0, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Timeout, error.Kind);
        Assert.Contains("timed out after 120 s", error.Message);
        Assert.Equal(TimeSpan.FromMinutes(2), api.Time.GetUtcNow() - started); // the total, not the 4 x 30 s of attempts
        Assert.Equal(4, api.Requests.Count); // MaxRetries 3: the fourth attempt was running when the total ran out
    }

    [Fact]
    public async Task A_5xx_whose_Retry_After_exceeds_the_total_timeout_fails_at_once_with_its_status()
    {
        using var api = new FakeTeamUp();
        api.On(Get, JobUrl,
            FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable, """{"detail":"maintenance"}""", r => r.Headers.RetryAfter = new RetryConditionHeaderValue(TimeSpan.FromMinutes(10))),
            FakeTeamUp.Answer(HttpStatusCode.OK, Job));
        using var client = api.Client();
        var started = api.Time.GetUtcNow();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(503, error.StatusCode);
        Assert.Single(api.Requests);
        Assert.Equal(started, api.Time.GetUtcNow()); // not waited for
    }

    private static async Task OpenTheBreaker(FakeTeamUp api, TeamUpClient client)
    {
        for (var i = 0; i < 120; i++)
        {
            var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));
            if (error.StatusCode == 0)
            {
                return;
            }
        }
        Assert.Fail("the circuit breaker did not open after 120 failures");
    }

    [Fact]
    public async Task The_open_circuit_breaker_fails_calls_at_once_for_5_seconds()
    {
        using var api = new FakeTeamUp();
        var down = true;
        api.Mock.When(Get, JobUrl).Respond(_ => Task.FromResult(down
            ? FakeTeamUp.Json(HttpStatusCode.ServiceUnavailable, """{"detail":"down"}""")
            : FakeTeamUp.Json(HttpStatusCode.OK, Job)));
        using var client = api.Client(o => o.MaxRetries = 0);
        await OpenTheBreaker(api, client);
        down = false;
        var sent = api.Requests.Count;

        api.Time.Advance(TimeSpan.FromSeconds(4.9));
        var stillOpen = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Jobs.RetrieveAsync(7));
        Assert.Equal(0, stillOpen.StatusCode);
        Assert.Equal(TeamUpFailureKind.Transport, stillOpen.Kind);
        Assert.Contains("circuit breaker", stillOpen.Message, StringComparison.Ordinal);
        Assert.Equal(sent, api.Requests.Count); // failed without asking TeamUp

        api.Time.Advance(TimeSpan.FromSeconds(0.1));
        var job = await client.Jobs.RetrieveAsync(7);
        Assert.Equal(7, job.Id);
        Assert.Equal(sent + 1, api.Requests.Count);
    }

    [Fact]
    public async Task Rate_limited_answers_never_open_the_circuit_breaker()
    {
        using var api = new FakeTeamUp();
        var limited = true;
        api.Mock.When(Get, JobUrl).Respond(_ => Task.FromResult(limited
            ? FakeTeamUp.Json(HttpStatusCode.TooManyRequests, "{}")
            : FakeTeamUp.Json(HttpStatusCode.OK, Job)));
        using var client = api.Client(o => o.MaxRetries = 0);

        // Far more than the 100 attempts the breaker needs, all failing: with 503s the same count opens it (see above).
        for (var i = 0; i < 150; i++)
        {
            var error = await Assert.ThrowsAsync<TeamUpRateLimitedException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));
            Assert.Equal(429, error.StatusCode);
        }
        limited = false;

        Assert.Equal(7, (await client.Jobs.RetrieveAsync(7)).Id);
        Assert.Equal(151, api.Requests.Count);
    }

    private static void RedirectChain(FakeTeamUp api, int redirects)
    {
        api.On(Get, FakeTeamUp.Base + "jobs/12", FakeTeamUp.Answer(HttpStatusCode.OK, FinishedJob("https://storage.test/hop/0")));
        api.Mock.When(Get, "https://storage.test/hop/*").Respond(request =>
        {
            var hop = int.Parse(request.RequestUri!.Segments[^1], System.Globalization.CultureInfo.InvariantCulture);
            return Task.FromResult(hop < redirects
                ? FakeTeamUp.Json(HttpStatusCode.Found, "", r => r.Headers.Location = new Uri($"https://storage.test/hop/{hop + 1}"))
                : new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("id\n1\n", Encoding.UTF8, "text/csv") });
        });
    }

    [Fact]
    public async Task Five_download_redirects_are_followed()
    {
        using var api = new FakeTeamUp();
        RedirectChain(api, redirects: 5);
        using var client = api.Client();
        using var file = new MemoryStream();

        await api.Run(() => client.Jobs.GetExportJob(12).DownloadToAsync(file));

        Assert.Equal("id\n1\n", Encoding.UTF8.GetString(file.ToArray()));
        Assert.Equal(6, api.Requests.Count(r => r.Uri.Host == "storage.test"));
    }

    [Fact]
    public async Task A_sixth_download_redirect_is_refused()
    {
        using var api = new FakeTeamUp();
        RedirectChain(api, redirects: 6);
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12).DownloadToAsync(new MemoryStream())));

        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
        Assert.Contains("more than 5 redirects", error.Message);
        Assert.Equal(6, api.Requests.Count(r => r.Uri.Host == "storage.test")); // the sixth Location is never fetched
    }

    [Theory]
    [InlineData(HttpStatusCode.ServiceUnavailable)]
    [InlineData(HttpStatusCode.TooManyRequests)]
    [InlineData(HttpStatusCode.RequestTimeout)]
    public async Task A_download_is_never_retried(HttpStatusCode status)
    {
        using var api = new FakeTeamUp();
        api.On(Get, FakeTeamUp.Base + "jobs/12", FakeTeamUp.Answer(HttpStatusCode.OK, FinishedJob(Storage)));
        api.On(Get, "https://storage.test/*", FakeTeamUp.Answer(status, "{}"), _ => new HttpResponseMessage(HttpStatusCode.OK) { Content = new StringContent("id\n1\n") });
        using var client = api.Client();

        // A 429 is the rate-limit kind of TeamUpApiException; either way the status is the download's.
        var error = await Assert.ThrowsAnyAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.GetExportJob(12).DownloadToAsync(new MemoryStream())));

        Assert.Equal((int)status, error.StatusCode);
        Assert.Equal(ExportJob.DownloadOperation, error.Operation);
        Assert.Single(api.Requests, r => r.Uri.Host == "storage.test");
    }

    [Theory]
    [InlineData("json")]
    [InlineData("csv")]
    public async Task Rows_of_a_file_without_a_telling_content_type_are_read_in_the_requested_format(string asked)
    {
        var format = asked == "json" ? ReportFormat.Json : ReportFormat.Csv;
        using var api = new FakeTeamUp();
        api.On(Get, FakeTeamUp.Base + "jobs/12", FakeTeamUp.Answer(HttpStatusCode.OK, FinishedJob("https://storage.test/exports/12")));
        var body = format == ReportFormat.Json ? """[{"id":1,"status":"paid"},{"id":2,"status":"open"}]""" : "id,status\n1,paid\n2,open\n";
        api.On(Get, "https://storage.test/*", _ => new HttpResponseMessage(HttpStatusCode.OK)
        {
            Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body)) { Headers = { ContentType = new MediaTypeHeaderValue("application/octet-stream") } },
        });
        using var client = api.Client();
        var job = client.Jobs.GetExportJob(12, format);

        var rows = await api.Run(() => job.ReadRowsAsync().ToListAsync().AsTask());

        Assert.Equal(["1", "2"], rows.Select(r => r["id"]));
        Assert.Equal(["paid", "open"], rows.Select(r => r["status"]));
    }

    [Fact]
    public async Task The_exception_keeps_the_response_headers_and_a_bounded_excerpt()
    {
        using var api = new FakeTeamUp();
        var detail = new string('x', 5000);
        api.On(Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.Forbidden, $$"""{"detail":"{{detail}}"}""", r => r.Headers.Add("X-RateLimit-Limit", "600")));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(["600"], error.Headers["X-RateLimit-Limit"]);
        Assert.Equal(1024, TeamUpApiException.MaxExcerptLength);
        Assert.StartsWith("{\"detail\":\"xxxx", error.ResponseExcerpt);
        Assert.Equal(TeamUpApiException.MaxExcerptLength + 1, error.ResponseExcerpt!.Length); // cut, with an ellipsis
        Assert.EndsWith("…", error.ResponseExcerpt);
    }

    [Fact]
    public async Task Dependency_injection_removes_the_default_http_client_loggers()
    {
        using var api = new FakeTeamUp();
        api.On(Get, FakeTeamUp.Base + "invoices*", FakeTeamUp.Answer(HttpStatusCode.OK, """{"count":0,"next":null,"previous":null,"results":[]}"""));
        var collector = new FakeLogCollector();
        var services = new ServiceCollection();
        services.AddLogging(logging => logging.SetMinimumLevel(LogLevel.Trace).AddProvider(new FakeLoggerProvider(collector)));
        services.AddSingleton<TimeProvider>(api.Time);
        services.AddTeamUpClient(o => { o.BaseUrl = new Uri(FakeTeamUp.Base); o.ApiKey = FakeTeamUp.Key; });
        services.AddHttpClient(TeamUpClient.ApiHttpClientName).ConfigurePrimaryHttpMessageHandler(() => api.Capture);
        using var provider = services.BuildServiceProvider();
        var client = provider.GetRequiredService<TeamUpClient>();

        await api.Run(() => client.Invoices.ListAsync(storeOrder: 4242));

        var records = collector.GetSnapshot();
        Assert.Contains(records, r => r.Category!.StartsWith("TeamUp.Generated", StringComparison.Ordinal)); // logging did work
        Assert.DoesNotContain(records, r => r.Category!.StartsWith("System.Net.Http.HttpClient", StringComparison.Ordinal));
        Assert.DoesNotContain(records, r => r.Message.Contains("4242", StringComparison.Ordinal) || r.Message.Contains("api.teamup.test", StringComparison.Ordinal));
    }
}
