using System.Text.Json;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>The built tool run as a process, as a user runs it.</summary>
public sealed class ProcessTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private TeamUpSandbox Sandbox => fixture.Sandbox;

    [Fact]
    public async Task Main_job_with_no_base_url_starts_the_sandbox_and_writes_its_invoices()
    {
        var dir = Tool.TempDirectory();
        var result = await Tool.RunProcessAsync(dir, "reports", "export", "invoices", "--columns", "id,status,total_amount", "--output", "invoices.csv");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Contains("embedded sandbox", result.Stderr);
        Assert.Contains("100%", result.Stderr);
        Assert.Single(result.StdoutLines);
        Assert.Contains("invoices.csv", result.Stdout);

        // The same seed gives the same data: compare with a default sandbox of our own.
        await using var reference = await TeamUpSandbox.StartAsync();
        var lines = File.ReadAllLines(Path.Combine(dir, "invoices.csv"));
        Assert.Equal("id,status,total_amount", lines[0]);
        Assert.Equal(await Tool.ReportTotalAsync(reference), lines.Length - 1);
        var ids = reference.Data.InvoicesFor(reference.DefaultProviderId).Select(i => i.Id).ToHashSet();
        Each.Of(lines.Skip(1), l => Assert.Contains(int.Parse(l.Split(',')[0]), ids));
        Assert.Single(Directory.GetFiles(dir));
        Tool.AssertNoSecrets(reference, result);
    }

    [Fact]
    public async Task Invoices_list_and_get_and_reports_data_as_a_process()
    {
        var dir = Tool.TempDirectory();
        string[] connect = Tool.Connect(Sandbox);

        var list = await Tool.RunProcessAsync(dir, ["invoices", "list", "--max", "5", .. connect]);
        Assert.True(list.ExitCode == 0, list.ToString());
        Assert.Equal(5, list.StdoutLines.Length);
        var id = JsonDocument.Parse(list.StdoutLines[0]).RootElement.GetProperty("id").GetInt32();

        var get = await Tool.RunProcessAsync(dir, ["invoices", "get", id.ToString(), .. connect]);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(id, JsonDocument.Parse(get.Stdout).RootElement.GetProperty("id").GetInt32());

        var csv = await Tool.RunProcessAsync(dir, ["reports", "data", "invoices", "--columns", "id,status", "--format", "csv", "--max", "4", .. connect]);
        Assert.True(csv.ExitCode == 0, csv.ToString());
        Assert.Equal(["id,status"], csv.StdoutLines.Take(1));
        Assert.Equal(5, csv.StdoutLines.Length);

        var json = await Tool.RunProcessAsync(dir, ["reports", "data", "invoices", "--columns", "id,status", "--max", "4", .. connect]);
        Assert.True(json.ExitCode == 0, json.ToString());
        Assert.Equal(4, json.StdoutLines.Length);

        foreach (var r in new[] { list, get, csv, json }) Tool.AssertNoSecrets(Sandbox, r);
    }

    [Fact]
    public async Task Export_and_jobs_get_as_a_process()
    {
        var dir = Tool.TempDirectory();
        string[] connect = Tool.Connect(Sandbox);
        var export = await Tool.RunProcessAsync(dir, ["reports", "export", "invoices", "--columns", "id", "--output", "out.csv", .. connect]);
        Assert.True(export.ExitCode == 0, export.ToString());
        Assert.DoesNotContain("\u001b[", export.Stderr); // plain progress lines when stderr is not a terminal
        var job = Sandbox.Jobs.Max(j => j.Id);
        var get = await Tool.RunProcessAsync(dir, ["jobs", "get", job.ToString(), .. connect]);
        Assert.True(get.ExitCode == 0, get.ToString());
        Assert.Equal(job, JsonDocument.Parse(get.Stdout).RootElement.GetProperty("id").GetInt32());
        Tool.AssertNoSecrets(Sandbox, export);
        Tool.AssertNoSecrets(Sandbox, get);
    }

    [Fact]
    public async Task Usage_error_exits_2_as_a_process()
    {
        var result = await Tool.RunProcessAsync(Tool.TempDirectory(), "reports", "export", "invoices", "--columns", "id");
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("--output", result.Stderr);
        Assert.Empty(result.Stdout);
    }

    [Fact]
    public async Task A_503_exits_1_as_a_process()
    {
        // The export POST: answered 503, it is not retried (TeamUp may have acted on it), so this fails at once.
        await using var faulty = await TeamUpSandbox.StartAsync(new TeamUpSandboxOptions
        {
            Invoices = 20, Customers = 4,
            Faults = new SandboxFaultOptions { ServerErrorRate = 1, ServerErrorStatusCodes = [503], IncludePost = true },
        });
        var dir = Tool.TempDirectory();
        var result = await Tool.RunProcessAsync(dir, ["reports", "export", "invoices", "--columns", "id", "--output", "out.csv", .. Tool.Connect(faulty)]);
        Assert.Equal(1, result.ExitCode);
        Assert.Contains("503 Service Unavailable", result.Stderr);
        Assert.Contains("Reports_ExportInvoices", result.Stderr);
        Assert.Empty(Directory.GetFiles(dir));
        Assert.Single(faulty.RequestLog, r => r.Method == "POST");
        Assert.Empty(faulty.Jobs);
        Tool.AssertNoSecrets(faulty, result);
    }
}
