using System.Text.Json;

namespace TeamUp.ContractReview.Tests;

/// <summary>
/// End to end on the real spec: NSwag (the NSwag.MSBuild tool) generates OLD and NEW with the
/// project's nswag.json and templates, Roslyn compiles each with the hand-written sources,
/// and the public APIs are compared.
/// </summary>
public class CSharpConsequenceTests
{
    [Fact]
    public void An_enum_value_swapped_shows_in_the_csharp_api_and_makes_the_bump_major()
    {
        var edited = RealSpec.Edited(root =>
        {
            var status = RealSpec.Schema(root, "InvoiceStatus");
            RealSpec.RemoveEnumValue(status, "draft");
            status["enum"]!.AsArray().Add("refunded");
        });
        var (oldFile, newFile) = (Write("old", RealSpec.Text), Write("new", edited));

        var (exit, markdown, err) = Support.Run(oldFile, newFile, "--format", "markdown", "--project-root", Support.RepoRoot);

        Assert.Equal("", err);
        Assert.Equal(1, exit); // the status filter of GET /invoices no longer takes 'draft'
        var diff = markdown[markdown.IndexOf("```diff", StringComparison.Ordinal)..];
        Assert.Matches(@"\n\+\s+public static TeamUp\.Generated\.InvoiceStatus Refunded", diff);
        Assert.Matches(@"\n-\s+public static TeamUp\.Generated\.InvoiceStatus Draft", diff);
        Assert.Contains("suggested version bump: major", markdown);
        Assert.Contains("1 removed", markdown);
    }

    [Fact]
    public void Without_the_project_the_spec_review_still_comes_out_with_a_note()
    {
        var (oldFile, newFile) = (Write("old", RealSpec.Text), Write("new", RealSpec.Text));
        var elsewhere = Support.TempDirectory();

        var (exit, json, _) = Support.Run(oldFile, newFile, "--format", "json", "--csharp", "on", "--project-root", elsewhere);

        Assert.Equal(0, exit);
        var note = JsonDocument.Parse(json).RootElement.GetProperty("csharpNote").GetString();
        Assert.Contains("not compared", note);
        Assert.Contains("nswag.json", note);
    }

    private static string Write(string side, string text)
    {
        var dir = Path.Combine(Support.TempDirectory(), side);
        Directory.CreateDirectory(dir);
        var file = Path.Combine(dir, "teamup.openapi.yaml");
        File.WriteAllText(file, text);
        return file;
    }
}
