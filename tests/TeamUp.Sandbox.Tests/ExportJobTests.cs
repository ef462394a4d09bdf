using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json.Nodes;
using Microsoft.Extensions.Time.Testing;

namespace TeamUp.Sandbox.Tests;

public sealed class ExportJobTests
{
    private static async Task<(TeamUpSandbox Sandbox, FakeTimeProvider Clock)> StartAsync()
    {
        var clock = new FakeTimeProvider(new DateTimeOffset(2025, 7, 1, 9, 0, 0, TimeSpan.Zero));
        var sandbox = await Sandboxes.StartSmallAsync(o =>
        {
            o.TimeProvider = clock;
            o.JobDuration = TimeSpan.FromSeconds(10);
            o.DownloadUrlLifetime = TimeSpan.FromMinutes(5);
        });
        return (sandbox, clock);
    }

    private static async Task<int> ExportAsync(HttpClient client, string report, object body)
    {
        using var response = await client.PostAsJsonAsync($"reports/{report}/export", body);
        var text = await response.Content.ReadAsStringAsync();
        Assert.True(response.IsSuccessStatusCode, text);
        return (int)JsonNode.Parse(text)!["job"]!;
    }

    [Fact]
    public async Task Job_progress_follows_the_clock_and_ends_with_a_result_url_on_the_second_origin()
    {
        var (sandbox, clock) = await StartAsync();
        await using var _ = sandbox;
        using var client = sandbox.Client();
        var id = await ExportAsync(client, "invoices", new { columns = new[] { "id", "status", "total_amount" }, status = "paid" });
        var expectedTotal = sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Count(i => i.Status == "paid");

        var job = await client.GetJsonAsync($"jobs/{id}");
        Assert.Equal("job", (string?)job["object"]);
        Assert.Equal(expectedTotal, (int)job["total_items"]!);
        Assert.Equal(0, (int)job["complete_items"]!);
        Assert.True(job.ContainsKey("result_url"));
        Assert.Null(job["result_url"]);

        clock.Advance(TimeSpan.FromSeconds(3));
        var partial = await client.GetJsonAsync($"jobs/{id}");
        Assert.Equal(expectedTotal * 3 / 10, (int)partial["complete_items"]!);
        Assert.Null(partial["result_url"]);

        clock.Advance(TimeSpan.FromSeconds(7));
        var done = await client.GetJsonAsync($"jobs/{id}");
        Assert.Equal(expectedTotal, (int)done["complete_items"]!);
        var url = new Uri((string)done["result_url"]!);
        Assert.Equal(sandbox.DownloadOrigin.Port, url.Port);
        Assert.NotEqual(sandbox.BaseUrl.Port, url.Port);
        Assert.Contains("signature=", url.Query);

        using var plain = new HttpClient();
        using var file = await plain.GetAsync(url);
        Assert.Equal("text/csv", file.Content.Headers.ContentType!.MediaType);
        Assert.Contains("attachment", file.Content.Headers.ContentDisposition!.ToString());
        var lines = (await file.Content.ReadAsStringAsync()).Split("\r\n", StringSplitOptions.RemoveEmptyEntries);
        Assert.Equal("id,status,total_amount", lines[0]);
        Assert.Equal(expectedTotal, lines.Length - 1);
        Assert.All(lines.Skip(1), l => Assert.Contains(",paid,", l));
        Assert.Single(sandbox.Jobs);
    }

    [Fact]
    public async Task Export_file_matches_the_data_endpoint_in_json_for_every_report()
    {
        var (sandbox, clock) = await StartAsync();
        await using var _ = sandbox;
        using var client = sandbox.Client(sandbox.ProviderIds[1]);
        (string Report, string Columns)[] cases =
        [
            ("invoices", "id,customer.name,total_amount"),
            ("invoices.grouped", "status,count"),
            ("invoice_line_items", "id,invoice.id,amount"),
            ("invoice_line_items.grouped", "type,total_amount"),
        ];
        foreach (var (report, columns) in cases)
        {
            var id = await ExportAsync(client, report, new { columns = columns.Split(','), format = "json", sort = new[] { columns.Split(',')[0] } });
            clock.Advance(TimeSpan.FromSeconds(10));
            var job = await client.GetJsonAsync($"jobs/{id}");
            using var plain = new HttpClient();
            var file = JsonNode.Parse(await plain.GetStringAsync((string)job["result_url"]!))!.AsObject();
            var data = await client.GetJsonAsync($"reports/{report}/data?format=json&columns={columns}&sort={columns.Split(',')[0]}&limit=1000");
            Assert.Equal((int)data["total"]!, (int)file["total"]!);
            Assert.Equal(data["rows"]!.ToJsonString(), file["rows"]!.ToJsonString());
            Assert.Equal(data["column_headers"]!.ToJsonString(), file["column_headers"]!.ToJsonString());
        }
    }

    [Fact]
    public async Task Export_accepts_filters_as_comma_strings_and_form_bodies_and_validates_them()
    {
        var (sandbox, clock) = await StartAsync();
        await using var _ = sandbox;
        using var client = sandbox.Client();
        var id = await ExportAsync(client, "invoice_line_items", new { columns = "id,amount", invoice_status = "paid,open" });
        var expected = sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Where(i => i.Status is "paid" or "open").Sum(i => i.LineItems.Count);
        Assert.Equal(expected, (int)(await client.GetJsonAsync($"jobs/{id}"))["total_items"]!);

        using var form = await client.PostAsync("reports/invoices/export?format=json",
            new FormUrlEncodedContent([new("columns", "id"), new("columns", "status"), new("customers", sandbox.Data.Customers[0].Id.ToString())]));
        Assert.True(form.IsSuccessStatusCode);
        var formJob = sandbox.Jobs.Last();
        Assert.Equal("json", formJob.Format);
        Assert.Equal(sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Count(i => i.CustomerId == sandbox.Data.Customers[0].Id && i.Status != "draft"), formJob.TotalItems);

        using var bad = await client.PostAsJsonAsync("reports/invoices/export", new { columns = new[] { "id", "bogus" } });
        Assert.Contains("bogus", (string?)(await bad.ErrorAsync(400))["detail"]);
        using var badDate = await client.PostAsJsonAsync("reports/invoices/export", new { due_date_gte = "01/02/2024" });
        Assert.StartsWith("due_date_gte:", (string?)(await badDate.ErrorAsync(400))["detail"]);
        using var notJson = await client.PostAsync("reports/invoices/export", new StringContent("{oops", System.Text.Encoding.UTF8, "application/json"));
        await notJson.ErrorAsync(400);
        Assert.Equal(2, sandbox.Jobs.Count);
    }

    [Fact]
    public async Task A_huge_body_is_413_and_a_null_body_is_400_and_neither_creates_a_job()
    {
        var (sandbox, _) = await StartAsync();
        await using var __ = sandbox;
        using var client = sandbox.Client();
        var huge = "{\"columns\":[\"id\"],\"pad\":\"" + new string('x', 50 << 20) + "\"}";

        // The server answers before the client has sent everything and closes: the client may see the 413 or a broken pipe.
        foreach (HttpContent content in new HttpContent[] { new StringContent(huge, System.Text.Encoding.UTF8, "application/json"), new ChunkedContent(System.Text.Encoding.UTF8.GetBytes(huge)) })
        {
            try
            {
                using var response = await client.PostAsync("reports/invoices/export", content);
                Assert.Equal(413, (int)response.StatusCode);
            }
            catch (HttpRequestException)
            {
            }
        }
        using var nullBody = await client.PostAsync("reports/invoices/export", new StringContent("null", System.Text.Encoding.UTF8, "application/json"));

        Assert.Equal(2, sandbox.RequestLog.Count(r => r.Method == "POST" && r.StatusCode == 413));
        Assert.Contains("JSON object", (string?)(await nullBody.ErrorAsync(400))["detail"]);
        Assert.Empty(sandbox.Jobs);
    }

    /// <summary>A body sent without Content-Length (chunked), so that only the server's read limit can stop it.</summary>
    private sealed class ChunkedContent(byte[] bytes) : HttpContent
    {
        protected override Task SerializeToStreamAsync(Stream stream, System.Net.TransportContext? context) => stream.WriteAsync(bytes).AsTask();

        protected override bool TryComputeLength(out long length)
        {
            length = 0;
            return false;
        }
    }

    [Fact]
    public async Task Jobs_belong_to_their_provider()
    {
        var (sandbox, _) = await StartAsync();
        await using var __ = sandbox;
        using var first = sandbox.Client(sandbox.ProviderIds[0]);
        using var second = sandbox.Client(sandbox.ProviderIds[1]);
        var id = await ExportAsync(first, "invoices", new { });
        await first.GetJsonAsync($"jobs/{id}");
        await second.GetErrorAsync($"jobs/{id}", 404);
        await first.GetErrorAsync("jobs/123456", 404);
    }

    [Fact]
    public async Task Download_origin_rejects_authorization_headers_bad_signatures_and_expired_urls()
    {
        var (sandbox, clock) = await StartAsync();
        await using var _ = sandbox;
        using var client = sandbox.Client();
        var id = await ExportAsync(client, "invoices", new { columns = new[] { "id" } });
        clock.Advance(TimeSpan.FromSeconds(10));
        var url = (string)(await client.GetJsonAsync($"jobs/{id}"))["result_url"]!;

        using var plain = new HttpClient();
        using (var withToken = new HttpRequestMessage(HttpMethod.Get, url))
        {
            withToken.Headers.Authorization = new AuthenticationHeaderValue("Token", sandbox.Token);
            using var response = await plain.SendAsync(withToken);
            var error = await response.ErrorAsync(400);
            Assert.Equal("authorization_not_allowed", (string?)error["code"]);
            Assert.Contains("Authorization", (string?)error["detail"]);
        }

        var tampered = url.Replace("signature=", "signature=x", StringComparison.Ordinal);
        Assert.Equal("signature_mismatch", (string?)(await (await plain.GetAsync(tampered)).ErrorAsync(403))["code"]);
        var longer = System.Text.RegularExpressions.Regex.Replace(url, @"expires=(\d+)", m => $"expires={long.Parse(m.Groups[1].Value) + 3600}");
        Assert.Equal("signature_mismatch", (string?)(await (await plain.GetAsync(longer)).ErrorAsync(403))["code"]);
        var unsigned = url[..url.IndexOf('?')];
        Assert.Equal("signature_missing", (string?)(await (await plain.GetAsync(unsigned)).ErrorAsync(403))["code"]);

        Assert.True((await plain.GetAsync(url)).IsSuccessStatusCode);
        clock.Advance(TimeSpan.FromMinutes(6));
        Assert.Equal("url_expired", (string?)(await (await plain.GetAsync(url)).ErrorAsync(403))["code"]);
        // A fresh read of the job signs a fresh URL.
        var fresh = (string)(await client.GetJsonAsync($"jobs/{id}"))["result_url"]!;
        Assert.True((await plain.GetAsync(fresh)).IsSuccessStatusCode);
    }

    [Fact]
    public async Task Big_exports_stream_the_whole_default_dataset()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { JobDuration = TimeSpan.Zero });
        using var client = sandbox.Client();
        var id = await ExportAsync(client, "invoice_line_items", new { columns = new[] { "id", "invoice.id", "customer.name", "description", "amount" } });
        var url = (string)(await client.GetJsonAsync($"jobs/{id}"))["result_url"]!;
        using var plain = new HttpClient();
        using var response = await plain.GetAsync(url, HttpCompletionOption.ResponseHeadersRead);
        Assert.Null(response.Content.Headers.ContentLength);
        using var reader = new StreamReader(await response.Content.ReadAsStreamAsync());
        var count = 0;
        while (await reader.ReadLineAsync() is not null) count++;
        Assert.Equal(sandbox.Data.InvoicesFor(sandbox.DefaultProviderId).Where(i => i.Status != "draft").Sum(i => i.LineItems.Count) + 1, count);
    }
}
