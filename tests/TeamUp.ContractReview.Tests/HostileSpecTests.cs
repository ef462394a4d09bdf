using System.Diagnostics;
using System.Text;

namespace TeamUp.ContractReview.Tests;

/// <summary>A pull request's spec must not be able to take the CI runner down: bounded, quick, exit 2 with file and place.</summary>
public class HostileSpecTests
{
    private static readonly string Good = Directory.EnumerateFiles(Path.Combine(Support.CorpusDirectory, "endpoint-added", "basic"), "old.*").Single();

    private static (int Exit, string Out, string Err, TimeSpan Took) RunWith(string fileName, string content, string? old = null)
    {
        var dir = Support.TempDirectory();
        var bad = Path.Combine(dir, fileName);
        File.WriteAllText(bad, content);
        var clock = Stopwatch.StartNew();
        var (exit, output, err) = Support.Run(old ?? Good, bad, "--csharp", "off");
        return (exit, output, err.Replace(dir + Path.DirectorySeparatorChar, ""), clock.Elapsed);
    }

    private const string Head = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\n";

    [Fact]
    public void Billion_laughs_exits_2_quickly_naming_the_file()
    {
        var yaml = new StringBuilder(Head).Append("x-lol:\n  a: &a [lol, lol, lol, lol, lol, lol, lol, lol, lol]\n");
        for (var level = 'b'; level <= 'j'; level++)
        {
            var previous = (char)(level - 1);
            yaml.Append($"  {level}: &{level} [*{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}, *{previous}]\n");
        }
        Assert.InRange(yaml.Length, 400, 1000);

        var (exit, _, err, took) = RunWith("laughs.yaml", yaml.ToString());

        Assert.Equal(2, exit);
        Assert.Matches(@"laughs\.yaml:\d+:\d+: the document expands to more than", err);
        Assert.True(took < TimeSpan.FromSeconds(30), $"took {took}");
    }

    [Fact]
    public void A_self_referencing_alias_exits_2_instead_of_overflowing_the_stack()
    {
        var (exit, _, err, _) = RunWith("loop.yaml", Head + "x-loop: &loop\n  again: *loop\n");

        Assert.Equal(2, exit);
        Assert.Contains("loop.yaml:", err);
    }

    [Fact]
    public void Nesting_a_hundred_thousand_deep_exits_2_instead_of_overflowing_the_stack()
    {
        var (exit, _, err, took) = RunWith("deep.yaml", Head + "x-deep: " + new string('[', 100_000) + new string(']', 100_000) + "\n");

        Assert.Equal(2, exit);
        Assert.Matches(@"deep\.yaml:4:\d+: nested more than 200 levels deep", err);
        Assert.True(took < TimeSpan.FromSeconds(30), $"took {took}");
    }

    [Fact]
    public void Deep_json_nesting_exits_2()
    {
        var (exit, _, err, _) = RunWith("deep.json", "{\"openapi\":\"3.0.3\",\"x\":" + new string('[', 100_000) + new string(']', 100_000) + "}");

        Assert.Equal(2, exit);
        Assert.Contains("deep.json", err);
    }

    [Theory]
    [InlineData("paths:\n  /a:\n    get:\n      responses:\n        '200':\n          $ref: '#/components/responses/A'\ncomponents:\n  responses:\n    A:\n      $ref: '#/components/responses/B'\n    B:\n      $ref: '#/components/responses/A'\n")]
    [InlineData("paths:\n  /a:\n    get:\n      parameters:\n      - $ref: '#/components/parameters/P'\n      responses:\n        '200': {description: ok}\ncomponents:\n  parameters:\n    P:\n      $ref: '#/components/parameters/P'\n")]
    [InlineData("paths:\n  /a:\n    get:\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/A'}\ncomponents:\n  schemas:\n    A: {$ref: '#/components/schemas/B'}\n    B: {$ref: '#/components/schemas/A'}\n")]
    public void A_ref_cycle_through_an_operation_exits_2(string body)
    {
        var text = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\n" + body;

        var dir = Support.TempDirectory();
        var old = Path.Combine(dir, "cycle-old.yaml");
        File.WriteAllText(old, text.Replace("title: t", "title: u"));

        var (exit, output, err, took) = RunWith("cycle.yaml", text, old);

        Assert.True(exit == 2, $"exit {exit}\n{output}\n{err}");
        Assert.Matches(@"^error: cycle\.yaml:\d+: \$ref '#/components/\w+/\w+' leads back to itself", err);
        Assert.DoesNotContain("   at ", err);
        Assert.True(err.Contains("$ref", StringComparison.Ordinal), err);
        Assert.True(took < TimeSpan.FromSeconds(30), $"took {took}");
    }

    [Fact]
    public void A_legal_recursive_schema_is_still_reviewed()
    {
        const string tree = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /nodes:\n    get:\n      operationId: Nodes_List\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {$ref: '#/components/schemas/Node'}\ncomponents:\n  schemas:\n    Node:\n      type: object\n      properties:\n        name: {type: string}\n        children:\n          type: array\n          items: {$ref: '#/components/schemas/Node'}\n";
        var dir = Support.TempDirectory();
        var old = Path.Combine(dir, "old.yaml");
        File.WriteAllText(old, tree);

        var (exit, output, err, _) = RunWith("new.yaml", tree.Replace("name: {type: string}", "name: {type: string}\n        parent: {$ref: '#/components/schemas/Node'}"), old);

        Assert.True(exit is 0 or 1, err);
        Assert.Equal("", err);
        Assert.Contains("parent", output);
    }

    [Fact]
    public void A_git_revision_is_never_read_as_an_option()
    {
        var repo = Support.TempDirectory();
        var written = Path.Combine(repo, "FILE");

        var (exit, _, err) = Support.RunIn(repo, $"git:--output={written}:x", Good, "--csharp", "off");

        Assert.Equal(2, exit);
        Assert.Contains("is not a revision", err);
        Assert.False(File.Exists(written));
        Assert.Empty(Directory.GetFileSystemEntries(repo));
    }
}

/// <summary>Like oasdiff: a document that breaks a rule of the specification but can be read is reviewed, with notes.</summary>
public class SloppySpecTests
{
    private const string Old = "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths:\n  /invoices/{id}:\n    get:\n      operationId: Invoices_Retrieve\n      parameters:\n      - {name: id, in: path, required: true, schema: {type: integer}}\n      responses:\n        '200':\n          description: ok\n          content:\n            application/json:\n              schema: {type: object, properties: {id: {type: integer}}}\n";

    private static (int Exit, string Out, string Err) Review(string newText, string format = "text")
    {
        var dir = Support.TempDirectory();
        File.WriteAllText(Path.Combine(dir, "old.yaml"), Old);
        File.WriteAllText(Path.Combine(dir, "new.yaml"), newText);
        return Support.RunIn(dir, "old.yaml", "new.yaml", "--csharp", "off", "--format", format);
    }

    [Fact]
    public void A_response_without_description_is_a_note_and_the_change_is_still_reviewed()
    {
        var sloppy = Old.Replace("          description: ok\n", "").Replace("properties: {id: {type: integer}}", "properties: {id: {type: integer}, total: {type: number}}");

        var (exit, output, err) = Review(sloppy);

        Assert.Equal("", err);
        Assert.Equal(0, exit);
        Assert.Contains("note: new.yaml", output);
        Assert.Contains("description", output);
        Assert.Contains("total", output);
    }

    [Fact]
    public void An_operation_without_responses_is_a_note()
    {
        var sloppy = Old[..Old.IndexOf("      responses:", StringComparison.Ordinal)];

        var (exit, output, err) = Review(sloppy, "markdown");

        Assert.True(exit is 0 or 1, err);
        Assert.Equal("", err);
        Assert.Contains("### Notes on the documents", output);
        Assert.Contains("responses", output);
    }

    [Fact]
    public void An_undeclared_path_parameter_is_a_note()
    {
        var sloppy = Old.Replace("      - {name: id, in: path, required: true, schema: {type: integer}}\n", "").Replace("      parameters:\n", "");

        var (exit, output, err) = Review(sloppy, "json");

        Assert.True(exit is 0 or 1, err);
        Assert.Equal("", err);
        Assert.Contains("is not declared", output);
        Assert.Contains("path parameter", output);
        Assert.Contains("inputNotes", output);
    }

    [Fact]
    public void What_cannot_be_read_at_all_is_still_refused()
    {
        var (exit, _, err) = Review("openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: [not, a, mapping]\n");

        Assert.Equal(2, exit);
        Assert.Contains("new.yaml:3: 'paths' must be a mapping", err);
    }
}
