using System.Diagnostics;
using System.Net.Http.Json;

namespace TeamUp.Sandbox.Tests;

public sealed class FaultTests
{
    private static Task<TeamUpSandbox> StartAsync(SandboxFaultOptions faults) => Sandboxes.StartSmallAsync(o => o.Faults = faults);

    [Fact]
    public async Task Rate_limited_requests_get_429_with_retry_after_and_an_error_body()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { RateLimitRate = 1, RetryAfterSeconds = 7 });
        using var client = sandbox.Client();
        using var response = await client.GetAsync("invoices");
        var error = await response.ErrorAsync(429);
        Assert.Equal("throttled", (string?)error["code"]);
        Assert.Equal(TimeSpan.FromSeconds(7), response.Headers.RetryAfter!.Delta);
        Assert.Equal(1, sandbox.FaultCounters.RateLimited);
        Assert.Equal(SandboxFault.RateLimited, sandbox.RequestLog.Single().Fault);
    }

    [Fact]
    public async Task Server_errors_use_the_configured_5xx_codes()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { ServerErrorRate = 1, ServerErrorStatusCodes = [502, 503] });
        using var client = sandbox.Client();
        var codes = new HashSet<int>();
        for (var i = 0; i < 20; i++)
        {
            using var response = await client.GetAsync("reports/invoices/data");
            codes.Add((int)response.StatusCode);
            await response.ErrorAsync((int)response.StatusCode);
        }

        Assert.Equal([502, 503], codes.Order());
        Assert.Equal(20, sandbox.FaultCounters.ServerErrors);
    }

    [Fact]
    public async Task Dropped_connections_fail_the_request_without_a_response()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { DropConnectionRate = 1 });
        using var client = sandbox.Client();
        await Assert.ThrowsAsync<HttpRequestException>(() => client.GetAsync("invoices"));
        Assert.Equal(1, sandbox.FaultCounters.DroppedConnections);
        var entry = await WaitForLogAsync(sandbox);
        Assert.Equal(0, entry.StatusCode);
        Assert.Equal(SandboxFault.DroppedConnection, entry.Fault);
    }

    [Fact]
    public async Task Truncated_bodies_promise_more_than_they_deliver()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { TruncatedBodyRate = 1 });
        using var client = sandbox.Client();
        using var response = await client.GetAsync("invoices?page_size=50", HttpCompletionOption.ResponseHeadersRead);
        Assert.Equal(200, (int)response.StatusCode);
        var declared = response.Content.Headers.ContentLength!.Value;
        var buffer = new MemoryStream();
        var ex = await Record.ExceptionAsync(async () => await (await response.Content.ReadAsStreamAsync()).CopyToAsync(buffer));
        // A premature end after the headers, not a reset before them: the client must have something to retry from.
        Assert.Equal(HttpRequestError.ResponseEnded, Assert.IsType<HttpIOException>(ex).HttpRequestError);
        Assert.True(buffer.Length < declared, $"{buffer.Length} of {declared}");
        Assert.Equal(1, sandbox.FaultCounters.TruncatedBodies);
    }

    [Fact]
    public async Task Slow_bodies_arrive_complete_but_late()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions
        {
            SlowBodyRate = 1, SlowBodyChunks = 5, SlowBodyChunkDelay = TimeSpan.FromMilliseconds(60),
        });
        using var client = sandbox.Client();
        var watch = Stopwatch.StartNew();
        var page = await client.GetJsonAsync("invoices?page_size=10");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(230), watch.Elapsed.ToString());
        Assert.Equal(10, page["results"]!.AsArray().Count);
        Assert.Equal(1, sandbox.FaultCounters.SlowBodies);
    }

    [Fact]
    public async Task Latency_delays_every_request()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { Latency = TimeSpan.FromMilliseconds(150) });
        using var client = sandbox.Client();
        var watch = Stopwatch.StartNew();
        await client.GetJsonAsync("invoices?page_size=1");
        Assert.True(watch.Elapsed >= TimeSpan.FromMilliseconds(140), watch.Elapsed.ToString());
        Assert.Equal(1, sandbox.FaultCounters.Delayed);
        Assert.Equal(0, sandbox.FaultCounters.Total);
    }

    [Fact]
    public async Task Posts_are_spared_unless_included_and_a_faulted_post_creates_no_job()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { ServerErrorRate = 1 });
        using var client = sandbox.Client();
        using (var spared = await client.PostAsJsonAsync("reports/invoices/export", new { }))
            Assert.True(spared.IsSuccessStatusCode);
        Assert.Single(sandbox.Jobs);

        sandbox.SetFaults(new SandboxFaultOptions { ServerErrorRate = 1, IncludePost = true, ServerErrorStatusCodes = [503] });
        using (var failed = await client.PostAsJsonAsync("reports/invoices/export", new { }))
            await failed.ErrorAsync(503);
        Assert.Single(sandbox.Jobs);
    }

    [Fact]
    public async Task A_fault_rate_hits_about_that_share_of_requests_and_is_reproducible_by_seed()
    {
        async Task<List<int>> RunAsync()
        {
            await using var sandbox = await StartAsync(new SandboxFaultOptions { Seed = 99, RateLimitRate = 0.1, ServerErrorRate = 0.1, RetryAfterSeconds = 0 });
            using var client = sandbox.Client();
            var statuses = new List<int>();
            for (var i = 0; i < 100; i++)
            {
                using var response = await client.GetAsync("invoices?page_size=1");
                statuses.Add((int)response.StatusCode);
            }

            Assert.Equal(statuses.Count(s => s != 200), sandbox.FaultCounters.Total);
            return statuses;
        }

        var first = await RunAsync();
        var second = await RunAsync();
        Assert.Equal(first, second);
        Assert.InRange(first.Count(s => s != 200), 8, 35);
    }

    [Fact]
    public async Task Download_faults_only_when_asked()
    {
        await using var sandbox = await Sandboxes.StartSmallAsync();
        using var client = sandbox.Client();
        using var created = await client.PostAsJsonAsync("reports/invoices/export", new { columns = new[] { "id" } });
        var id = (int)System.Text.Json.Nodes.JsonNode.Parse(await created.Content.ReadAsStringAsync())!["job"]!;
        var url = (string)(await client.GetJsonAsync($"jobs/{id}"))["result_url"]!;
        using var plain = new HttpClient();

        sandbox.SetFaults(new SandboxFaultOptions { RateLimitRate = 1 });
        Assert.True((await plain.GetAsync(url)).IsSuccessStatusCode);
        sandbox.SetFaults(new SandboxFaultOptions { TruncatedBodyRate = 1, IncludeDownloads = true });
        var cut = await Assert.ThrowsAsync<HttpRequestException>(() => plain.GetStringAsync(url)); // the body is cut short, not refused
        Assert.Equal(HttpRequestError.ResponseEnded, cut.HttpRequestError);

        sandbox.SetFaults(new SandboxFaultOptions { RateLimitRate = 1, OnlyDownloads = true });
        using (var api = await client.GetAsync($"jobs/{id}"))
            Assert.Equal(200, (int)api.StatusCode);
        using (var download = await plain.GetAsync(url))
            Assert.Equal(429, (int)download.StatusCode);
    }

    [Fact]
    public async Task Rates_that_add_up_past_one_are_refused()
    {
        await Assert.ThrowsAnyAsync<ArgumentException>(() => StartAsync(new SandboxFaultOptions { RateLimitRate = 0.7, ServerErrorRate = 0.7 }));
        await using var sandbox = await Sandboxes.StartSmallAsync();
        Assert.ThrowsAny<ArgumentException>(() => sandbox.SetFaults(new SandboxFaultOptions { DropConnectionRate = 2 }));
    }

    private static async Task<SandboxRequestLogEntry> WaitForLogAsync(TeamUpSandbox sandbox)
    {
        // The log entry of an aborted request lands after the client has already seen the failure; a busy CI box can lag.
        var deadline = Stopwatch.StartNew();
        while (sandbox.RequestLog.Count == 0 && deadline.Elapsed < TimeSpan.FromSeconds(10)) await Task.Delay(20);
        return sandbox.RequestLog.Single();
    }
}
