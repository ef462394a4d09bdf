using System.Text.Json;

namespace TeamUp.ContractReview.Tests;

/// <summary>
/// End to end on the real spec: NSwag (the NSwag.MSBuild tool) generates OLD and NEW with the
/// project's nswag.json and templates, Roslyn compiles each with the hand-written sources,
/// and the public APIs are compared.
/// </summary>
[Collection(CSharpStepCollection.Name)]
public class CSharpConsequenceTests
{
    [Fact]
    public void An_enum_value_swapped_shows_in_the_csharp_api_and_makes_the_bump_major()
    {
        var edited = SpecFixture.Edited(root =>
        {
            var status = SpecFixture.Schema(root, "InvoiceStatus");
            SpecFixture.RemoveEnumValue(status, "draft");
            status["enum"]!.AsArray().Add("refunded");
        });
        var (oldFile, newFile) = (Write("old", SpecFixture.Text), Write("new", edited));

        var (exit, markdown, err) = Support.Run(oldFile, newFile, "--format", "markdown", "--project-root", Support.RepoRoot, "--no-cache");

        Assert.Equal("", err);
        Assert.Equal(1, exit); // the status filter of GET /invoices no longer takes 'draft'
        var diff = markdown[markdown.IndexOf("```diff", StringComparison.Ordinal)..];
        Assert.Matches(@"\n\+\s+public static TeamUp\.Generated\.InvoiceStatus Refunded", diff);
        Assert.Matches(@"\n-\s+public static TeamUp\.Generated\.InvoiceStatus Draft", diff);
        Assert.Contains("suggested version bump: major", markdown);
        Assert.Contains("1 removed", markdown);
        Assert.DoesNotContain("cached", markdown);
    }

    [Fact]
    public void A_csharp_only_break_fails_the_review()
    {
        // A new operationId renames the generated method: on the wire nothing breaks (WARN), in C# a member is gone.
        var edited = SpecFixture.Edited(root => root["paths"]!["/reports/invoices/data"]!["get"]!["operationId"] = "Reports_FetchInvoicesData");
        var (oldFile, newFile) = (Write("old", SpecFixture.Text), Write("new", edited));

        var (exit, markdown, err) = Support.Run(oldFile, newFile, "--format", "markdown", "--project-root", Support.RepoRoot, "--no-cache");

        Assert.Equal("", err);
        Assert.Contains("0 ERR", markdown);
        Assert.Contains("No breaking change in the spec's own terms, but the C# API breaks", markdown);
        Assert.Matches(@"C# API: [1-9]\d* removed", markdown);
        Assert.Contains("FetchInvoicesDataAsync", markdown);
        Assert.Equal(1, exit);
        Assert.Equal(0, Support.Run(oldFile, newFile, "--project-root", Support.RepoRoot, "--csharp", "off").Exit);
    }

    [Fact]
    public void NEW_that_does_not_build_fails_the_review_and_shows_the_compiler_errors()
    {
        // Renaming a schema changes nothing on the wire, but the hand-written export job handle uses the generated Job.
        var edited = SpecFixture.Edited(root =>
        {
            var schemas = root["components"]!["schemas"]!.AsObject();
            var job = schemas["Job"]!;
            schemas.Remove("Job");
            schemas["JobStatusPage"] = job;
        }).Replace("#/components/schemas/Job\"", "#/components/schemas/JobStatusPage\"", StringComparison.Ordinal);
        var (oldFile, newFile) = (Write("old", SpecFixture.Text), Write("new", edited));

        var (exit, text, err) = Support.Run(oldFile, newFile, "--project-root", Support.RepoRoot, "--no-cache");

        Assert.Equal("", err);
        Assert.Matches(@"^0 ERR, 0 WARN, \d+ INFO; C# API: NEW does not build", text);
        Assert.Contains("no longer compiles with the hand-written sources", text);
        Assert.Matches(@"error CS\d+: .*'Job'", text);
        Assert.Equal(1, exit);
    }

    [Fact]
    public void OLD_is_generated_once_and_then_read_from_the_cache()
    {
        var status = $"status_{Guid.NewGuid():N}";
        var (oldFile, newFile) = (Write("old", SpecFixture.Edited(root => SpecFixture.Schema(root, "InvoiceStatus")["enum"]!.AsArray().Add(status))),
                                  Write("new", SpecFixture.Text));

        var first = Support.Run(oldFile, newFile, "--project-root", Support.RepoRoot);
        var second = Support.Run(oldFile, newFile, "--project-root", Support.RepoRoot);

        Assert.Matches(@"C# step: old: NSwag [\d.]+ s, compile", first.Out);
        Assert.Matches(@"C# step: old: cached; new: NSwag [\d.]+ s", second.Out);
        Assert.Contains("1 removed, 0 changed, 0 added", second.Out);
    }

    [Fact]
    public void The_same_spec_with_the_same_inputs_is_built_once()
    {
        var (oldFile, newFile) = (Write("old", SpecFixture.Text), Write("new", SpecFixture.Text));

        var (exit, text, _) = Support.Run(oldFile, newFile, "--project-root", Support.RepoRoot, "--no-cache");

        Assert.Equal(0, exit);
        Assert.Contains("C# step: OLD and NEW are the same package: NSwag", text);
        Assert.Contains("C# API: 0 removed, 0 changed, 0 added", text);
    }

    [Fact]
    public void A_git_revision_is_generated_with_that_revisions_templates_and_sources()
    {
        var (exit, text, err) = Support.RunIn(Support.RepoRoot,
            "git:HEAD:spec/teamup.openapi.yaml", "git:HEAD:spec/teamup.openapi.yaml", "--no-cache", "--old-inputs", "revision");

        Assert.Equal("", err);
        Assert.Equal(0, exit);
        Assert.DoesNotContain("not compared", text);
        Assert.Contains("OLD was generated with its own revision's nswag.json", text);
    }

    [Fact]
    public void Without_the_project_the_spec_review_still_comes_out_with_a_note()
    {
        var (oldFile, newFile) = (Write("old", SpecFixture.Text), Write("new", SpecFixture.Text));
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
