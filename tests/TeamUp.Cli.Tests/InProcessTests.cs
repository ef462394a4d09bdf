using System.Text.Json;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>Every command in-process against a small sandbox over loopback HTTP.</summary>
public sealed class InProcessTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private TeamUpSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task Invoices_list_max_prints_that_many_ndjson_lines()
    {
        var result = await Tool.RunAsync(Sandbox, "invoices", "list", "--max", "5", "--page-size", "2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(5, result.StdoutLines.Length);
        foreach (var line in result.StdoutLines)
        {
            Assert.Equal("invoice", JsonDocument.Parse(line).RootElement.GetProperty("object").GetString());
        }
        Tool.AssertNoSecrets(Sandbox, result);
    }

    [Fact]
    public async Task Invoices_list_follows_pages_to_the_end_with_status_filter_and_sort()
    {
        var result = await Tool.RunAsync(Sandbox, "invoices", "list", "--status", "paid", "--sort", "-due_date", "--page-size", "25");
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        var expected = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Count(i => i.Status == "paid");
        Assert.Equal(expected, rows.Count);
        Each.Of(rows, r => Assert.Equal("paid", r.GetProperty("status").GetString()));
        var dates = rows.Select(r => r.GetProperty("due_date").GetString()).ToList();
        Assert.Equal(dates.OrderByDescending(d => d, StringComparer.Ordinal), dates);
    }

    [Fact]
    public async Task Invoices_get_prints_the_invoice_with_expanded_payer()
    {
        var id = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId)[0].Id;
        var result = await Tool.RunAsync(Sandbox, "invoices", "get", id.ToString(), "--expand", "payer");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(id, json.GetProperty("id").GetInt32());
        Assert.Equal(JsonValueKind.Object, json.GetProperty("payer").ValueKind);
    }

    [Fact]
    public async Task Reports_data_json_gives_rows_with_the_asked_columns()
    {
        var result = await Tool.RunAsync(Sandbox, "reports", "data", "invoices", "--columns", "id,status,total_amount", "--filter", "status=paid", "--max", "30", "--page-size", "7");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(30, result.StdoutLines.Length);
        foreach (var line in result.StdoutLines)
        {
            var row = JsonDocument.Parse(line).RootElement;
            Assert.Equal("paid", row.GetProperty("status").GetString());
            Assert.True(row.TryGetProperty("total_amount", out _));
        }
    }

    [Fact]
    public async Task Reports_data_csv_follows_pages_with_one_header()
    {
        var total = await Tool.ReportTotalAsync(Sandbox);
        var result = await Tool.RunAsync(Sandbox, "reports", "data", "invoices", "--columns", "id,status", "--format", "csv", "--page-size", "50");
        Assert.True(result.ExitCode == 0, result.ToString());
        var lines = result.StdoutLines;
        Assert.Equal("id,status", lines[0]);
        Assert.Equal(total, lines.Length - 1);
        Assert.Equal(total, lines.Skip(1).Select(l => l.Split(',')[0]).Distinct().Count());
    }

    [Fact]
    public async Task Reports_data_grouped_line_items()
    {
        var result = await Tool.RunAsync(Sandbox, "reports", "data", "invoice-line-items", "--grouped", "--columns", "type,total_amount");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.NotEmpty(result.StdoutLines);
    }

    [Fact]
    public async Task Export_then_jobs_get_shows_the_finished_job()
    {
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "out.json");
        var export = await Tool.RunAsync(Sandbox, "reports", "export", "invoices", "--columns", "id,status", "--format", "json", "--filter", "status=paid", "--output", output);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.Single(export.StdoutLines);
        Assert.Contains("export job", export.Stderr);
        Assert.True(File.Exists(output));
        Assert.Empty(Directory.GetFiles(dir, "*.partial"));
        var jobId = Sandbox.Jobs[^1].Id;

        var job = await Tool.RunAsync(Sandbox, "jobs", "get", jobId.ToString());
        Assert.True(job.ExitCode == 0, job.ToString());
        var json = JsonDocument.Parse(job.Stdout).RootElement;
        Assert.Equal(jobId, json.GetProperty("id").GetInt32());
        Assert.StartsWith(Sandbox.DownloadOrigin.ToString(), json.GetProperty("result_url").GetString());
    }

    [Fact]
    public async Task Export_download_never_sends_authorization_to_the_file_host()
    {
        var dir = Tool.TempDirectory();
        var before = Sandbox.RequestLog.Count;
        var result = await Tool.RunAsync(Sandbox, "reports", "export", "invoice-line-items", "--columns", "type,amount", "--output", Path.Combine(dir, "lines.csv"));
        Assert.True(result.ExitCode == 0, result.ToString());

        var seen = Sandbox.RequestLog.Skip(before).ToList();
        var downloads = seen.Where(e => e.Origin == "download").ToList();
        Assert.NotEmpty(downloads);
        Each.Of(downloads, e => Assert.False(e.SentAuthorization, $"{e.Method} {e.PathAndQuery} carried an Authorization header"));
        Each.Of(seen.Where(e => e.Origin == "api"), e => Assert.True(e.SentAuthorization)); // the header does exist, on the API
        var lines = File.ReadAllLines(Path.Combine(dir, "lines.csv"));
        // The whole file, header included: every line item of the provider's invoices but drafts (not in reports).
        Assert.Equal(Sandbox.Data.LineItemsFor(Sandbox.DefaultProviderId).Count(x => x.Invoice.Status != "draft") + 1, lines.Length);
    }

    [Fact]
    public async Task Export_grouped_writes_one_row_per_group_of_the_dataset()
    {
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "by-year.csv");
        var result = await Tool.RunAsync(Sandbox, "reports", "export", "invoices", "--grouped", "--columns", "due_date_year", "--output", output);
        Assert.True(result.ExitCode == 0, result.ToString());

        var lines = File.ReadAllLines(output);
        Assert.Equal("due_date_year", lines[0].Split(',')[0]);
        var years = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).Where(i => i.Status != "draft")
            .Select(i => i.DueDate.Year.ToString(System.Globalization.CultureInfo.InvariantCulture)).Distinct().Order(StringComparer.Ordinal).ToList();
        Assert.True(years.Count > 1); // a grouping that merges nothing would not show the grouping
        Assert.Equal(years, lines.Skip(1).Select(l => l.Split(',')[0]).Order(StringComparer.Ordinal));
    }

    [Theory]
    [InlineData("reports", "data", "invoices", "--columns", "id", "--filter", "nope=1")]
    [InlineData("reports", "export", "invoices", "--columns", "id", "--filter", "nope=1", "--output", "x.csv")]
    [InlineData("reports", "data", "invoices", "--columns", "id", "--filter", "due_date_gte=yesterday")]
    [InlineData("reports", "data", "invoices")]
    [InlineData("reports", "data", "customers", "--columns", "id")]
    [InlineData("invoices", "get", "abc")]
    [InlineData("invoices", "list", "--page-size", "500")]
    [InlineData("invoices", "list", "--auth-scheme", "basic")]
    [InlineData("nonsense")]
    public async Task Usage_errors_exit_2_without_calling_the_api(params string[] args)
    {
        var before = Sandbox.RequestLog.Count;
        var result = await Tool.RunAsync(Sandbox, args);
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Empty(result.Stdout);
        Assert.Equal(before, Sandbox.RequestLog.Count);
    }

    [Fact]
    public async Task Unknown_filter_lists_the_valid_keys()
    {
        var result = await Tool.RunAsync(Sandbox, "reports", "data", "invoice-line-items", "--columns", "id", "--filter", "status=paid");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("invoice_status", result.Stderr);
        Assert.Contains("invoice_due_date_gte", result.Stderr);
    }

    [Fact]
    public async Task Base_url_without_token_is_a_usage_error()
    {
        var before = Sandbox.RequestLog.Count;
        var result = await Tool.RunAsync("invoices", "list", "--base-url", Sandbox.BaseUrl.ToString());
        Assert.True(result.ExitCode == 2, result.ToString());
        Assert.Contains("TEAMUP_TOKEN", result.Stderr);
        Assert.Equal(before, Sandbox.RequestLog.Count);
    }

    [Fact]
    public async Task Environment_variables_stand_in_for_base_url_token_and_provider()
    {
        var provider = Sandbox.ProviderIds[1];
        var result = await Tool.RunWithEnvironmentAsync(new Dictionary<string, string>
        {
            ["TEAMUP_BASE_URL"] = Sandbox.BaseUrl.ToString(),
            ["TEAMUP_TOKEN"] = Sandbox.Token,
            ["TEAMUP_PROVIDER_ID"] = provider.ToString(),
        }, "invoices", "list", "--max", "4");

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sandbox.Data.InvoicesFor(provider).Take(4).Select(i => i.Id), result.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt32()));
        Assert.DoesNotContain("embedded sandbox", result.Stderr); // TEAMUP_BASE_URL was used, not the in-process sandbox
    }

    [Fact]
    public async Task The_command_line_wins_over_the_environment()
    {
        var (first, second) = (Sandbox.ProviderIds[0], Sandbox.ProviderIds[1]);
        var result = await Tool.RunWithEnvironmentAsync(new Dictionary<string, string>
        {
            ["TEAMUP_BASE_URL"] = "https://goteamup.invalid/api/v2",
            ["TEAMUP_TOKEN"] = "not-the-token",
            ["TEAMUP_PROVIDER_ID"] = second.ToString(),
        }, ["invoices", "list", "--max", "3", "--provider-id", first.ToString(), .. Tool.Connect(Sandbox)]);

        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(Sandbox.Data.InvoicesFor(first).Take(3).Select(i => i.Id), result.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt32()));
    }

    [Fact]
    public async Task A_provider_id_variable_that_is_not_a_number_is_a_usage_error()
    {
        var result = await Tool.RunWithEnvironmentAsync(new Dictionary<string, string> { ["TEAMUP_PROVIDER_ID"] = "acme" }, ["invoices", "list", .. Tool.Connect(Sandbox)]);

        Assert.Equal(2, result.ExitCode);
        Assert.Contains("TEAMUP_PROVIDER_ID 'acme' is not an integer", result.Stderr);
    }

    [Theory]
    [InlineData("customer")]
    [InlineData("provider")]
    [InlineData(null)]
    public async Task Request_mode_is_sent_as_the_Teamup_Request_Mode_header(string? mode)
    {
        var before = Sandbox.RequestLog.Count;
        string[] args = mode is null ? ["invoices", "list", "--max", "1"] : ["invoices", "list", "--max", "1", "--request-mode", mode];
        var result = await Tool.RunAsync(Sandbox, args);

        Assert.True(result.ExitCode == 0, result.ToString());
        var sent = Assert.Single(Sandbox.RequestLog.Skip(before));
        Assert.Equal(mode, sent.RequestMode);
    }

    [Fact]
    public async Task A_request_mode_other_than_provider_or_customer_is_a_usage_error()
    {
        var result = await Tool.RunAsync(Sandbox, "invoices", "list", "--request-mode", "staff");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("staff", result.Stderr);
    }

    [Fact]
    public async Task Api_errors_exit_1_and_name_status_and_operation()
    {
        var result = await Tool.RunAsync(Sandbox, "jobs", "get", "999999");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Jobs_Retrieve", result.Stderr);
        Assert.Contains("404 Not Found", result.Stderr);
    }

    [Fact]
    public async Task Wrong_token_exits_1_and_is_not_printed()
    {
        const string wrong = "wrong_token_abcdef0123456789";
        var result = await Tool.RunAsync("invoices", "list", "--base-url", Sandbox.BaseUrl.ToString(), "--token", wrong);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("401", result.Stderr);
        Assert.DoesNotContain(wrong, result.Stderr + result.Stdout);
    }

    [Fact]
    public async Task Bearer_scheme_and_provider_id_select_the_second_provider()
    {
        var provider = Sandbox.ProviderIds[1];
        var result = await Tool.RunAsync("invoices", "list", "--max", "3", "--base-url", Sandbox.BaseUrl.ToString(),
            "--token", Sandbox.BearerToken, "--auth-scheme", "bearer", "--provider-id", provider.ToString());
        Assert.True(result.ExitCode == 0, result.ToString());
        var ids = Sandbox.Data.InvoicesFor(provider).Select(i => i.Id).ToHashSet();
        Each.Of(result.StdoutLines, l => Assert.Contains(JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt32(), ids));
    }

    [Fact]
    public async Task Help_goes_to_stdout_and_exits_0()
    {
        var result = await Tool.RunAsync("reports", "export", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--output", result.Stdout);
    }
}
