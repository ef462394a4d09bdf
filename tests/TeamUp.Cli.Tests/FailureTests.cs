using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>Faults: 503s, a failing POST, an expired download URL. Each test has its own sandbox.</summary>
public sealed class FailureTests
{
    private static Task<TeamUpSandbox> StartAsync(SandboxFaultOptions faults, TimeSpan? downloadLifetime = null) =>
        TeamUpSandbox.StartAsync(new TeamUpSandboxOptions
        {
            Invoices = 60,
            Customers = 10,
            JobDuration = TimeSpan.FromMilliseconds(200),
            Faults = faults,
            DownloadUrlLifetime = downloadLifetime ?? TimeSpan.FromMinutes(15),
        });

    [Fact]
    public async Task A_503_exits_1_naming_status_and_operation()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { ServerErrorRate = 1, ServerErrorStatusCodes = [503] });
        var result = await Tool.RunAsync(sandbox, "invoices", "list", "--max", "5");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("503 Service Unavailable", result.Stderr);
        Assert.Contains("Invoices_List", result.Stderr);
        Tool.AssertNoSecrets(sandbox, result);
        // A GET answered 5xx is retried by the client (MaxRetries = 3) before the CLI gives up.
        Assert.Equal(4, sandbox.RequestLog.Count(r => r.Method == "GET" && r.StatusCode == 503));
    }

    [Fact]
    public async Task Export_whose_creation_fails_leaves_no_file_and_keeps_an_existing_one()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions { ServerErrorRate = 1, ServerErrorStatusCodes = [503], IncludePost = true });
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "invoices.csv");
        File.WriteAllText(output, "previous");
        var result = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id", "--output", output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Reports_ExportInvoices", result.Stderr);
        Assert.Contains("503 Service Unavailable", result.Stderr);
        Assert.Equal("previous", File.ReadAllText(output));
        Assert.Single(Directory.GetFiles(dir));
        // The export POST is not retried after a 5xx: TeamUp may have created the job.
        Assert.Single(sandbox.RequestLog, r => r.Method == "POST");
        Assert.Empty(sandbox.Jobs);
    }

    [Fact]
    public async Task Export_whose_download_fails_leaves_no_partial_file()
    {
        await using var sandbox = await StartAsync(new SandboxFaultOptions(), downloadLifetime: TimeSpan.FromSeconds(-30));
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "invoices.csv");
        var result = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id", "--output", output);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Jobs_DownloadResult", result.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
    }

    [Fact]
    public async Task A_stalled_download_exits_1_after_idle_timeout_and_leaves_no_file()
    {
        // The download origin sends the first half of the file, then nothing for 30 s.
        await using var sandbox = await StartAsync(new SandboxFaultOptions
        {
            SlowBodyRate = 1, OnlyDownloads = true, SlowBodyChunks = 2, SlowBodyChunkDelay = TimeSpan.FromSeconds(30),
        });
        var dir = Tool.TempDirectory();
        var output = Path.Combine(dir, "invoices.csv");

        var watch = System.Diagnostics.Stopwatch.StartNew();
        var result = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id", "--output", output, "--idle-timeout", "1");
        watch.Stop();

        Assert.Equal(1, result.ExitCode);
        Assert.True(result.Stderr.Contains("Jobs_DownloadResult failed: no data arrived for 1 s (--idle-timeout)", StringComparison.Ordinal), result.ToString());
        Assert.DoesNotContain("TeamUpClientOptions", result.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
        Assert.True(watch.Elapsed < TimeSpan.FromSeconds(25), $"took {watch.Elapsed}: the download was waited out, not given up");
    }

    [Fact]
    public async Task An_export_that_outlasts_timeout_exits_1_and_says_how_to_pick_the_job_up()
    {
        await using var sandbox = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions
        {
            Invoices = 60,
            Customers = 10,
            JobDuration = TimeSpan.FromMinutes(10),
        });
        var output = Path.Combine(Tool.TempDirectory(), "invoices.csv");

        var result = await Tool.RunAsync(sandbox, "reports", "export", "invoices", "--columns", "id", "--output", output, "--timeout", "1");

        Assert.Equal(1, result.ExitCode);
        var job = Assert.Single(sandbox.Jobs);
        Assert.Contains($"export job {job.Id} did not finish within --timeout (1 s)", result.Stderr);
        Assert.Contains($"teamup jobs get {job.Id}", result.Stderr);
        Assert.DoesNotContain("TeamUpClientOptions", result.Stderr);
        Assert.False(File.Exists(output));
    }

    [Fact]
    public async Task Unreachable_base_url_exits_1()
    {
        var result = await Tool.RunAsync("invoices", "get", "1", "--base-url", "http://127.0.0.1:9/api/v2/", "--token", "t0ken_never_shown_123");
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("Invoices_Retrieve", result.Stderr);
        Assert.Contains("no response", result.Stderr);
        Assert.DoesNotContain("t0ken_never_shown_123", result.Stderr);
    }

    [Fact]
    public async Task Plain_http_base_url_off_loopback_is_a_usage_error()
    {
        // The client sends credentials over http:// only to a loopback address; the CLI says so before connecting.
        var result = await Tool.RunAsync("invoices", "list", "--base-url", "http://teamup.invalid/api/v2/", "--token", "t0ken_never_shown_123");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("https://", result.Stderr);
        Assert.DoesNotContain("t0ken_never_shown_123", result.Stderr);
    }
}
