namespace TeamUp.ContractReview.Tests;

/// <summary>Input that cannot be reviewed exits 2 and says which file and where.</summary>
public class UnreadableInputTests
{
    private static readonly string Good = Directory.EnumerateFiles(Path.Combine(Support.CorpusDirectory, "endpoint-added", "basic"), "old.*").Single();

    private static (int Exit, string Err) RunWith(string fileName, string content)
    {
        var dir = Support.TempDirectory();
        var bad = Path.Combine(dir, fileName);
        File.WriteAllText(bad, content);
        var (exit, _, err) = Support.Run(Good, bad, "--csharp", "off");
        return (exit, err.Replace(dir + Path.DirectorySeparatorChar, ""));
    }

    [Fact]
    public void Broken_YAML_names_file_line_and_column()
    {
        var (exit, err) = RunWith("broken.yaml", "openapi: 3.0.3\ninfo: {title: t\n  version: 1}\npaths: {\n");
        Assert.Equal(2, exit);
        Assert.Matches(@"broken\.yaml:3:\d+: ", err);
    }

    [Fact]
    public void Broken_JSON_names_file_and_line()
    {
        var (exit, err) = RunWith("broken.json", "{\n  \"openapi\": \"3.0.3\",\n  \"info\": {\"title\": \"t\" \"version\": \"1\"},\n  \"paths\": {}\n}");
        Assert.Equal(2, exit);
        Assert.Matches(@"broken\.json:3:\d+: ", err);
    }

    [Fact]
    public void Duplicate_keys_name_the_key_and_its_line()
    {
        var (exit, err) = RunWith("dup.yaml", "openapi: 3.0.3\ninfo: {title: t, version: '1'}\npaths: {}\npaths: {}\n");
        Assert.Equal(2, exit);
        Assert.Contains("dup.yaml:4:", err);
        Assert.Contains("Duplicate key paths", err);
    }

    [Fact]
    public void Swagger_2_is_refused_with_its_version_and_line()
    {
        var (exit, err) = RunWith("old-style.yaml", "info: {title: t, version: '1'}\nswagger: '2.0'\nopenapi: 2.0.0\npaths: {}\n");
        Assert.Equal(2, exit);
        Assert.Contains("old-style.yaml:3: OpenAPI 2.0.0 is not supported", err);
    }

    [Fact]
    public void A_document_without_openapi_is_refused()
    {
        var (exit, err) = RunWith("notes.yaml", "title: shopping list\nitems: [milk]\n");
        Assert.Equal(2, exit);
        Assert.Contains("notes.yaml", err);
        Assert.Contains("'openapi' field is missing", err);
    }

    [Fact]
    public void A_dangling_ref_names_the_ref_and_its_line()
    {
        var text = File.ReadAllText(Good).Replace("#/components/schemas/InvoicePage", "#/components/schemas/InvoicePages");
        var (exit, err) = RunWith("dangling.yaml", text);
        Assert.Equal(2, exit);
        Assert.Matches(@"dangling\.yaml:\d+: unresolved \$ref '#/components/schemas/InvoicePages'", err);
    }

    [Fact]
    public void An_empty_file_is_named()
    {
        var (exit, err) = RunWith("empty.yaml", "");
        Assert.Equal(2, exit);
        Assert.Contains("empty.yaml: the file is empty", err);
    }

    [Fact]
    public void A_missing_file_is_named()
    {
        var (exit, _, err) = Support.Run(Good, "no/such/spec.yaml", "--csharp", "off");
        Assert.Equal(2, exit);
        Assert.Contains("no/such/spec.yaml: file not found", err);
    }
}
