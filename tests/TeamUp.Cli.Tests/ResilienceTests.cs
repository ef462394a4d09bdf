using System.Reflection;
using TeamUp.Cli.Api;
using TeamUp.Generated;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>
/// What the CLI gets from running on <see cref="TeamUpClient"/>: GETs survive injected 429/5xx with output identical
/// to a clean run; the export POST is never repeated after a 5xx. Each test has its own sandbox (faults are per sandbox).
/// </summary>
public sealed class ResilienceTests
{
    /// <summary>20% of GETs fail: half 429 (Retry-After: 0, so no real wait), half 500/502/503.</summary>
    private static readonly SandboxFaultOptions TwentyPercent = new()
    {
        RateLimitRate = 0.1,
        ServerErrorRate = 0.1,
        RetryAfterSeconds = 0,
        Seed = 7,
    };

    private static Task<TeamUpSandbox> StartAsync() =>
        TeamUpSandbox.StartAsync(new TeamUpSandboxOptions { Invoices = 240, Customers = 40, JobDuration = TimeSpan.FromMilliseconds(300) });

    /// <summary>Runs <paramref name="args"/> on a clean sandbox, then with 20% faults on GETs; both must succeed with the same stdout.</summary>
    private static async Task AssertSameOutputUnderFaultsAsync(params string[] args)
    {
        await using var sandbox = await StartAsync();
        var clean = await Tool.RunAsync(sandbox, args);
        Assert.True(clean.ExitCode == 0, clean.ToString());
        Assert.NotEmpty(clean.StdoutLines);

        sandbox.SetFaults(TwentyPercent);
        var faulty = await Tool.RunAsync(sandbox, args);
        Assert.True(faulty.ExitCode == 0, $"{faulty}\nfaults: {sandbox.FaultCounters}");
        Assert.True(sandbox.FaultCounters.Total >= 2, $"too few faults to prove anything: {sandbox.FaultCounters}");
        Assert.Equal(clean.Stdout, faulty.Stdout);
        Tool.AssertNoSecrets(sandbox, faulty);
    }

    [Fact]
    public Task Invoices_list_survives_20_percent_faults_with_identical_output() =>
        AssertSameOutputUnderFaultsAsync("invoices", "list", "--page-size", "10", "--sort", "-due_date");

    [Fact]
    public Task Reports_data_json_survives_20_percent_faults_with_identical_output() =>
        AssertSameOutputUnderFaultsAsync("reports", "data", "invoices", "--columns", "id,status,total_amount", "--page-size", "10");

    [Fact]
    public Task Reports_data_csv_survives_20_percent_faults_with_identical_output() =>
        AssertSameOutputUnderFaultsAsync("reports", "data", "invoice-line-items", "--columns", "id,type,amount", "--format", "csv", "--page-size", "10");

    [Fact]
    public async Task Export_survives_20_percent_faults_on_polling_with_an_identical_file_and_one_job()
    {
        await using var sandbox = await StartAsync();
        var dir = Tool.TempDirectory();
        var clean = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id,status", "--output", Path.Combine(dir, "clean.csv"));
        Assert.True(clean.ExitCode == 0, clean.ToString());

        // Polls so often that some of them meet a fault.
        sandbox.SetFaults(new SandboxFaultOptions { RateLimitRate = 0.2, ServerErrorRate = 0.2, RetryAfterSeconds = 0, Seed = 3 });
        var faulty = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id,status", "--output", Path.Combine(dir, "faulty.csv"));
        Assert.True(faulty.ExitCode == 0, $"{faulty}\nfaults: {sandbox.FaultCounters}");
        Assert.True(sandbox.FaultCounters.Total >= 1, sandbox.FaultCounters.ToString());
        Assert.Equal(File.ReadAllText(Path.Combine(dir, "clean.csv")), File.ReadAllText(Path.Combine(dir, "faulty.csv")));
        Assert.Equal(2, sandbox.Jobs.Count);
    }

    [Fact]
    public async Task Export_with_a_progress_bar_when_stderr_is_a_terminal()
    {
        await using var sandbox = await StartAsync();
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "bar.csv");
        var stdout = new StringWriter();
        var stderr = new StringWriter();
        var code = await Program.RunAsync(["reports", "export", "invoices", "--columns", "id", "--output", output, .. Tool.Connect(sandbox)],
            stdout, stderr, Tool.FastRetries with { StderrIsTerminal = true });
        Assert.True(code == 0, $"{stdout}\n{stderr}");
        Assert.Contains("Exporting invoices (job ", stderr.ToString());
        Assert.Contains("100%", stderr.ToString());
        Assert.Equal(await Tool.ReportTotalAsync(sandbox) + 1, File.ReadAllLines(output).Length);
    }

    [Theory]
    [InlineData(500)]
    [InlineData(502)]
    [InlineData(503)]
    public async Task Export_whose_POST_gets_a_5xx_exits_1_and_creates_no_second_job(int status)
    {
        await using var sandbox = await StartAsync();
        sandbox.SetFaults(new SandboxFaultOptions { ServerErrorRate = 1, ServerErrorStatusCodes = [status], IncludePost = true });
        var dir = Tool.TempDirectory();
        var result = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id", "--output", Path.Combine(dir, "out.csv"));
        Assert.Equal(1, result.ExitCode);
        Assert.Contains($"{status} ", result.Stderr);
        Assert.Contains("Reports_ExportInvoices", result.Stderr);
        Assert.Single(sandbox.RequestLog, r => r.Method == "POST");
        Assert.Empty(sandbox.Jobs);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task Export_POST_answered_429_is_retried_and_creates_exactly_one_job()
    {
        await using var sandbox = await StartAsync();
        // The sandbox draws new Random(Seed).NextDouble() per request: take a seed whose first draw (the POST) is a 429.
        const double rate = 0.3;
        var seed = Enumerable.Range(0, 1000).First(s => new Random(s).NextDouble() < rate);
        sandbox.SetFaults(new SandboxFaultOptions { RateLimitRate = rate, RetryAfterSeconds = 0, IncludePost = true, Seed = seed });
        var dir = Tool.TempDirectory();
        var result = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id", "--output", Path.Combine(dir, "out.csv"));
        Assert.True(result.ExitCode == 0, $"{result}\nfaults: {sandbox.FaultCounters}");
        var posts = sandbox.RequestLog.Where(r => r.Method == "POST").ToList();
        Assert.True(posts.Count >= 2 && posts[0].StatusCode == 429, string.Join(", ", posts.Select(p => p.StatusCode)));
        Assert.Single(sandbox.Jobs);
    }

    [Theory]
    [InlineData("invoices", false, nameof(ReportsClient.GetInvoicesDataAsync), typeof(InvoicesReportExportRequest))]
    [InlineData("invoices", true, nameof(ReportsClient.GetInvoicesGroupedDataAsync), typeof(InvoicesGroupedReportExportRequest))]
    [InlineData("invoice-line-items", false, nameof(ReportsClient.GetInvoiceLineItemsDataAsync), typeof(InvoiceLineItemsReportExportRequest))]
    [InlineData("invoice-line-items", true, nameof(ReportsClient.GetInvoiceLineItemsGroupedDataAsync), typeof(InvoiceLineItemsGroupedReportExportRequest))]
    public void Filter_keys_are_the_spec_operations_filters(string report, bool grouped, string dataMethod, Type exportRequest)
    {
        // The CLI takes its data filters from the client's report query; they must be exactly the generated operation's
        // query parameters (from the spec), and the same as the export body's, so that --filter works alike for both.
        string[] notFilters = ["columns", "format", "limit", "offset", "page", "page_size", "sort", "cancellation_token"];
        var spec = typeof(ReportsClient).GetMethod(dataMethod)!.GetParameters()
            .Select(p => SnakeCase(p.Name!)).Where(k => !notFilters.Contains(k)).Order(StringComparer.Ordinal);
        var catalog = ReportCatalog.For(report, grouped);
        Assert.Equal(spec, catalog.Definition.QueryFilters.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.Equal(spec, catalog.Definition.ExportFilters.Select(f => f.Key).Order(StringComparer.Ordinal));
        Assert.NotNull(exportRequest.GetProperty("Columns", BindingFlags.Public | BindingFlags.Instance));
    }

    private static string SnakeCase(string camel) =>
        string.Concat(camel.Select((c, i) => char.IsUpper(c) ? (i > 0 ? "_" : "") + char.ToLowerInvariant(c) : c.ToString()));
}
