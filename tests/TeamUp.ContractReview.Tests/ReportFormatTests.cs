using System.Text.Json;

namespace TeamUp.ContractReview.Tests;

public class ReportFormatTests
{
    private static (string Old, string New) MoneyAsString()
    {
        var dir = Support.TempDirectory();
        var (oldFile, newFile) = (Path.Combine(dir, "old.json"), Path.Combine(dir, "new.json"));
        File.WriteAllText(oldFile, SpecFixture.Edited(root => SpecFixture.Schema(root, "InvoiceStatus")["enum"]!.AsArray().Add("refunded")));
        File.WriteAllText(newFile, SpecFixture.Edited(root => SpecFixture.Schema(root, "Money")["properties"]!["decimal"]!["type"] = "string"));
        return (oldFile, newFile);
    }

    [Fact]
    public void Markdown_puts_the_summary_then_breaking_changes_then_the_rest()
    {
        var (oldFile, newFile) = MoneyAsString();

        var (_, md, _) = Support.Run(oldFile, newFile, "--format", "markdown", "--csharp", "off");

        var summary = md.IndexOf("ERR,", StringComparison.Ordinal);
        var breaking = md.IndexOf("### Breaking changes", StringComparison.Ordinal);
        var rest = md.IndexOf("### Other changes", StringComparison.Ordinal);
        Assert.True(summary >= 0 && summary < breaking && breaking < rest, md);
        Assert.Contains("suggested version bump: major", md[..breaking]);
        Assert.True(md.IndexOf("`response-property-type-changed`", StringComparison.Ordinal) is var row && row > breaking && row < rest);
        Assert.True(md.IndexOf("`response-property-enum-value-removed`", StringComparison.Ordinal) > rest);
    }

    [Fact]
    public void Markdown_shows_a_component_change_once_with_the_places_it_reaches()
    {
        var (oldFile, newFile) = MoneyAsString();

        var (_, md, _) = Support.Run(oldFile, newFile, "--format", "markdown", "--csharp", "off");

        var rows = md.Split('\n').Where(l => l.Contains("type of 'Money.decimal' changed", StringComparison.Ordinal)).ToList();
        var row = Assert.Single(rows, r => r.Contains("response-property-type-changed", StringComparison.Ordinal));
        Assert.Contains("… and ", row);
    }

    [Fact]
    public void Json_carries_every_change_with_its_levels_and_the_bump()
    {
        var (oldFile, newFile) = (Path.Combine(Support.CorpusDirectory, "response-property-enum-value-added", "basic", "old.yaml"),
                                  Path.Combine(Support.CorpusDirectory, "response-property-enum-value-added", "basic", "new.yaml"));

        var (exit, json, _) = Support.Run(oldFile, newFile, "--format", "json", "--csharp", "off");

        Assert.Equal(0, exit);
        var root = JsonDocument.Parse(json).RootElement;
        Assert.Equal(1, root.GetProperty("summary").GetProperty("info").GetInt32());
        Assert.Equal("minor", root.GetProperty("semver").GetProperty("bump").GetString());
        var change = Assert.Single(root.GetProperty("changes").EnumerateArray());
        Assert.Equal("response-property-enum-value-added", change.GetProperty("id").GetString());
        Assert.Equal("INFO", change.GetProperty("level").GetString());
        Assert.Equal("WARN", change.GetProperty("oasdiffLevel").GetString());
        Assert.Equal("POST /reports/invoices/export", change.GetProperty("operation").GetString());
    }

    [Fact]
    public void No_change_suggests_no_bump()
    {
        var spec = Path.Combine(Support.CorpusDirectory, "endpoint-added", "basic", "old.yaml");
        var (exit, text, _) = Support.Run(spec, spec, "--csharp", "off");
        Assert.Equal(0, exit);
        Assert.StartsWith("0 ERR, 0 WARN, 0 INFO; suggested version bump: none", text);
    }
}

public class MarkdownDiffLengthTests
{
    [Fact]
    public void A_huge_csharp_diff_is_cut_to_fit_a_pull_request_comment()
    {
        var oldApi = string.Join('\n', Enumerable.Range(0, 1000).Select(i => $"    public int P{i} {{ get; set; }}"));
        var diff = CSharp.ApiDiffer.Diff(oldApi, "");
        var result = new Review.ReviewResult("a", "b", [], diff, null);

        var md = Reporting.MarkdownReport.Render(result);

        Assert.Contains("… 600 more lines (--format text shows them all)", md);
        Assert.True(md.Length < 65_536);
    }
}
