using System.Net;
using System.Text;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Logging.Testing;

namespace TeamUp.Client.Tests;

public class ErrorTests
{
    private const string JobUrl = FakeTeamUp.Base + "jobs/7";

    [Fact]
    public async Task Html_error_page_gives_a_clear_message()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, _ => new HttpResponseMessage(HttpStatusCode.BadGateway)
        {
            Content = new StringContent("<html><body><h1>502 Bad Gateway</h1></body></html>", Encoding.UTF8, "text/html"),
        });
        using var client = api.Client(o => o.MaxRetries = 1);

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        Assert.Equal(502, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.HttpStatus, error.Kind);
        Assert.Equal("Jobs_Retrieve", error.Operation);
        Assert.Contains("text/html, not JSON", error.Message);
        Assert.Contains("502 Bad Gateway", error.ResponseExcerpt);
    }

    [Theory]
    [InlineData("""{"id":7,"object":"job","result_url":nul""")]
    [InlineData("""{"id":7,"object":"job",""")]
    [InlineData("""<not json>""")]
    [InlineData("""{"id":"seven","object":"job","result_url":null,"total_items":1}""")]
    public async Task Malformed_or_truncated_json_is_a_TeamUpApiException(string body)
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.OK, body));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Jobs.RetrieveAsync(7));

        Assert.Equal(200, error.StatusCode);
        Assert.Equal(TeamUpFailureKind.Unreadable, error.Kind);
        Assert.Equal("Jobs_Retrieve", error.Operation);
        Assert.Contains("JSON", error.Message);
        Assert.IsAssignableFrom<Newtonsoft.Json.JsonException>(error.InnerException);
    }

    [Fact]
    public async Task Request_id_and_error_detail_are_kept()
    {
        using var api = new FakeTeamUp();
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Answer(HttpStatusCode.Forbidden, """{"detail":"You do not have permission."}""",
            r => r.Headers.Add("X-Request-Id", "req-42")));
        using var client = api.Client();

        var error = await Assert.ThrowsAsync<TeamUpApiException>(() => client.Jobs.RetrieveAsync(7));

        Assert.Equal(403, error.StatusCode);
        Assert.Equal("req-42", error.RequestId);
        Assert.Equal("You do not have permission.", error.Error?.Detail);
    }

    [Fact]
    public async Task Caller_cancellation_stays_OperationCanceledException()
    {
        using var api = new FakeTeamUp();
        using var cancel = new CancellationTokenSource();
        api.Intercept = async (_, ct) =>
        {
            await cancel.CancelAsync();
            await api.StallAsync(ct);
            return new HttpResponseMessage(HttpStatusCode.OK);
        };
        using var client = api.Client();

        var error = await Assert.ThrowsAnyAsync<OperationCanceledException>(() => client.Jobs.RetrieveAsync(7, cancel.Token));

        Assert.Equal(cancel.Token, error.CancellationToken);
        Assert.Single(api.Requests);
    }

    [Fact]
    public async Task Credentials_never_appear_in_exceptions_or_logs()
    {
        using var api = new FakeTeamUp();
        // A proxy that echoes the request back, Authorization header included.
        api.On(HttpMethod.Get, FakeTeamUp.Base + "invoices*",
            FakeTeamUp.Answer(HttpStatusCode.ServiceUnavailable, "{\"detail\":\"echo: Authorization: Token " + FakeTeamUp.Key + "\"}"),
            _ => new HttpResponseMessage(HttpStatusCode.Unauthorized)
            {
                Content = new StringContent("<html>Authorization: Token " + FakeTeamUp.Key + "</html>", Encoding.UTF8, "text/html"),
            });
        api.On(HttpMethod.Get, JobUrl, FakeTeamUp.Throw(new HttpRequestException(HttpRequestError.ConnectionError, "refused")));
        var logs = new FakeLoggerProvider();
        using var loggers = LoggerFactory.Create(b => b.AddProvider(logs).SetMinimumLevel(LogLevel.Trace));
        using var client = api.Client(o => o.MaxRetries = 1, loggers);

        var first = await Assert.ThrowsAsync<TeamUpApiException>(() =>
            api.Run(() => client.Invoices.ListAsync(customersFilter(), status: [InvoiceStatus.Paid], storeOrder: 987654)));
        var second = await Assert.ThrowsAsync<TeamUpApiException>(() => api.Run(() => client.Jobs.RetrieveAsync(7)));

        foreach (var error in new[] { first, second })
        {
            Assert.DoesNotContain(FakeTeamUp.Key, error.Message);
            Assert.DoesNotContain(FakeTeamUp.Key, error.ToString());
            Assert.DoesNotContain(FakeTeamUp.Key, error.ResponseExcerpt ?? "");
        }
        Assert.Contains("Token ***", first.ResponseExcerpt);
        var records = logs.Collector.GetSnapshot();
        Assert.NotEmpty(records);
        Assert.Contains(records, r => r.Message.Contains("Invoices_List", StringComparison.Ordinal));
        foreach (var record in records)
        {
            var text = record.Message + " " + string.Join(" ", record.StructuredState?.Select(p => p.Value) ?? []) + " " + record.Exception;
            Assert.DoesNotContain(FakeTeamUp.Key, text);
            Assert.DoesNotContain("987654", text); // query values stay out of logs
        }

        static IEnumerable<InvoiceExpand>? customersFilter() => null;
    }
}
