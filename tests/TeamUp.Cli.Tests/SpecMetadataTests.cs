using System.Text.Json;
using TeamUp.Generated;
using TeamUp.Sandbox;

namespace TeamUp.Cli.Tests;

/// <summary>
/// What the CLI knows from the SDK's generated report definitions: columns and sort keys are checked before any request,
/// and --fields prints what TeamUp sent back.
/// </summary>
public sealed class SpecMetadataTests(SandboxFixture fixture) : IClassFixture<SandboxFixture>
{
    private TeamUpSandbox Sandbox => fixture.Sandbox;

    [Theory]
    [InlineData("data")]
    [InlineData("export")]
    public async Task Unknown_column_is_a_usage_error_listing_the_valid_ones_before_any_request(string command)
    {
        var before = Sandbox.RequestLog.Count;
        var result = await Tool.RunAsync(Sandbox, ["reports", command, "invoices", "--columns", "id,no_such_column", .. OutputFor(command)]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown column 'no_such_column'", result.Stderr);
        Assert.Contains(string.Join(", ", InvoicesReportColumn.KnownValues), result.Stderr);
        Assert.DoesNotContain("   at ", result.Stderr);
        Assert.Equal(before, Sandbox.RequestLog.Count);
    }

    [Theory]
    [InlineData("data")]
    [InlineData("export")]
    public async Task Unknown_sort_key_is_a_usage_error_listing_the_valid_ones_before_any_request(string command)
    {
        var before = Sandbox.RequestLog.Count;
        var result = await Tool.RunAsync(Sandbox, ["reports", command, "invoices", "--columns", "id", "--sort", "-id,-bogus", .. OutputFor(command)]);
        Assert.Equal(2, result.ExitCode);
        Assert.Contains("Unknown sort key '-bogus'", result.Stderr);
        Assert.Contains("Valid sort keys (prefix '-' for descending): id, due_date", result.Stderr);
        Assert.Equal(before, Sandbox.RequestLog.Count);
    }

    [Fact]
    public async Task The_readme_grouped_example_works()
    {
        var result = await Tool.RunAsync(Sandbox, "reports", "data", "invoices", "--grouped", "--columns", "status,count");
        Assert.True(result.ExitCode == 0, result.ToString());
        var rows = result.StdoutLines.Select(l => JsonDocument.Parse(l).RootElement).ToList();
        Assert.NotEmpty(rows);
        Each.Of(rows, r => Assert.True(r.GetProperty("count").GetInt32() > 0));
        Assert.Equal(rows.Count, rows.Select(r => r.GetProperty("status").GetString()).Distinct().Count());
    }

    [Fact]
    public async Task Reports_columns_lists_columns_and_typed_filters_from_the_definitions()
    {
        var result = await Tool.RunAsync(Sandbox, "reports", "columns", "invoice-line-items", "--grouped");
        Assert.True(result.ExitCode == 0, result.ToString());
        var definition = ReportsClient.Definitions.Single(d => d.Name == "invoice-line-items" && d.Grouped);
        Assert.Contains($"columns: {string.Join(", ", definition.Columns)}", result.Stdout);
        Assert.Contains("invoice_due_date_gte: a date like 2025-01-31", result.Stdout);
    }

    [Fact]
    public async Task Invoices_list_fields_prints_only_what_came_back()
    {
        var result = await Tool.RunAsync(Sandbox, "invoices", "list", "--fields", "id,status", "--max", "5", "--page-size", "2");
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.Equal(5, result.StdoutLines.Length);
        var known = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId).ToDictionary(i => i.Id);
        var ids = new HashSet<int>();
        foreach (var line in result.StdoutLines)
        {
            var invoice = JsonDocument.Parse(line).RootElement;
            Assert.Equal(["id", "status"], invoice.EnumerateObject().Select(p => p.Name).Order());
            var id = invoice.GetProperty("id").GetInt32();
            Assert.True(ids.Add(id), $"invoice {id} printed twice: pages overlapped");
            Assert.Equal(known[id].Status, invoice.GetProperty("status").GetString());
        }
    }

    [Fact]
    public async Task Invoices_get_fields_prints_only_what_came_back()
    {
        var invoice = Sandbox.Data.InvoicesFor(Sandbox.DefaultProviderId)[3];
        var result = await Tool.RunAsync(Sandbox, "invoices", "get", invoice.Id.ToString(), "--fields", "id,total_amount_due");
        Assert.True(result.ExitCode == 0, result.ToString());
        var json = JsonDocument.Parse(result.Stdout).RootElement;
        Assert.Equal(["id", "total_amount_due"], json.EnumerateObject().Select(p => p.Name).Order());
        Assert.Equal(invoice.Id, json.GetProperty("id").GetInt32());
    }

    private static string[] OutputFor(string command) =>
        command == "export" ? ["--output", Path.Combine(Tool.TempDirectory(), "out.csv")] : [];
}
