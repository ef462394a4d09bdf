namespace TeamUp.Sandbox.Tests;

public sealed class RequestLogTests
{
    [Fact]
    public async Task The_log_records_method_path_query_and_status_but_never_the_credentials()
    {
        await using var sandbox = await Sandboxes.StartSmallAsync();
        using var client = sandbox.Client();
        await client.GetJsonAsync("invoices?page_size=2&status=paid");
        using var bearer = sandbox.Client(scheme: "Bearer");
        await bearer.GetErrorAsync("reports/invoices/data?page_size=500", 400);
        using var anonymous = new HttpClient { BaseAddress = sandbox.BaseUrl };
        await anonymous.GetErrorAsync("jobs/1", 401);

        var log = sandbox.RequestLog;
        Assert.Equal(3, log.Count);
        Assert.Equal(("GET", "/api/v2/invoices?page_size=2&status=paid", 200), (log[0].Method, log[0].PathAndQuery, log[0].StatusCode));
        Assert.Equal(400, log[1].StatusCode);
        Assert.Equal(401, log[2].StatusCode);
        Each.Of(log, e => Assert.Equal("api", e.Origin));
        Each.Of(log, e => Assert.StartsWith("req_", e.RequestId));
        var text = string.Join("\n", log.Select(e => e.ToString()));
        Assert.DoesNotContain(sandbox.Token, text);
        Assert.DoesNotContain(sandbox.BearerToken, text);

        sandbox.ClearRequestLog();
        Assert.Empty(sandbox.RequestLog);
    }

    [Fact]
    public async Task Sandboxes_listen_on_loopback_and_can_take_given_ports()
    {
        int FreePort()
        {
            var l = new System.Net.Sockets.TcpListener(System.Net.IPAddress.Loopback, 0);
            l.Start();
            var port = ((System.Net.IPEndPoint)l.LocalEndpoint).Port;
            l.Stop();
            return port;
        }

        var api = FreePort();
        var download = FreePort();
        await using var sandbox = await Sandboxes.StartSmallAsync(o => { o.Port = api; o.DownloadPort = download; });
        Assert.Equal(new Uri($"http://127.0.0.1:{api}/api/v2/"), sandbox.BaseUrl);
        Assert.Equal(download, sandbox.DownloadOrigin.Port);
        Assert.Equal("127.0.0.1", sandbox.DownloadOrigin.Host);
    }
}
