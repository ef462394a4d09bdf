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
        Assert.All(rows, r => Assert.Equal("paid", r.GetProperty("status").GetString()));
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
        var result = await Tool.RunAsync(Sandbox, "reports", "export", "invoice-line-items", "--columns", "type,amount", "--output", Path.Combine(dir, "lines.csv"));
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(new FileInfo(Path.Combine(dir, "lines.csv")).Length > 0);
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
        var result = await Tool.RunAsync("invoices", "list", "--base-url", Sandbox.BaseUrl.ToString());
        if (Environment.GetEnvironmentVariable("TEAMUP_TOKEN") is null) Assert.Equal(2, result.ExitCode);
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
        Assert.All(result.StdoutLines, l => Assert.Contains(JsonDocument.Parse(l).RootElement.GetProperty("id").GetInt32(), ids));
    }

    [Fact]
    public async Task Help_goes_to_stdout_and_exits_0()
    {
        var result = await Tool.RunAsync("reports", "export", "--help");
        Assert.Equal(0, result.ExitCode);
        Assert.Contains("--output", result.Stdout);
    }
}
