namespace TeamUp.ContractReview.Tests;

/// <summary>0 when nothing reaches --fail-on (default ERR), 1 when something does, 2 when an input cannot be read.</summary>
public class ExitCodeTests
{
    private static string Pair(string rule, string side) =>
        Directory.EnumerateFiles(Path.Combine(Support.CorpusDirectory, rule, "basic"), $"{side}.*").Single();

    [Fact]
    public void A_breaking_change_exits_1()
    {
        var (exit, output, _) = Support.Run(Pair("request-parameter-became-required", "old"), Pair("request-parameter-became-required", "new"), "--csharp", "off");
        Assert.Equal(1, exit);
        Assert.Contains("request-parameter-became-required", output);
    }

    [Fact]
    public void A_warning_exits_0_by_default_and_1_with_fail_on_WARN()
    {
        var args = new[] { Pair("request-parameter-pattern-changed", "old"), Pair("request-parameter-pattern-changed", "new"), "--csharp", "off" };
        Assert.Equal(0, Support.Run(args).Exit);
        Assert.Equal(1, Support.Run([.. args, "--fail-on", "WARN"]).Exit);
    }

    [Fact]
    public void An_addition_fails_only_with_fail_on_INFO()
    {
        var args = new[] { Pair("endpoint-added", "old"), Pair("endpoint-added", "new"), "--csharp", "off" };
        Assert.Equal(0, Support.Run([.. args, "--fail-on", "WARN"]).Exit);
        Assert.Equal(1, Support.Run([.. args, "--fail-on", "info"]).Exit);
    }

    [Fact]
    public void An_enum_value_added_to_a_response_does_not_fail_WARN_for_this_client()
    {
        var args = new[] { Pair("response-property-enum-value-added", "old"), Pair("response-property-enum-value-added", "new"), "--csharp", "off" };
        var (exit, output, _) = Support.Run([.. args, "--fail-on", "WARN"]);
        Assert.Equal(0, exit);
        Assert.Contains("oasdiff: WARN", output);
        Assert.Contains("keeps enum values it does not know", output);
    }

    [Theory]
    [InlineData("request-parameter-removed")]
    [InlineData("request-property-removed")]
    public void Removing_what_a_caller_may_set_is_breaking_for_this_client(string rule)
    {
        // oasdiff calls it a warning; here it is a C# parameter or property gone, and a caller that set it stops compiling.
        var (exit, output, _) = Support.Run(Pair(rule, "old"), Pair(rule, "new"), "--csharp", "off");
        Assert.Equal(1, exit);
        Assert.Contains($"ERR  {rule}", output);
        Assert.Contains("oasdiff: WARN", output);
        Assert.Contains("no longer compiles", output);
    }

    [Theory]
    [InlineData("--help")]
    [InlineData("-h")]
    public void Help_prints_usage_and_exits_0(string flag)
    {
        var (exit, output, err) = Support.Run(flag);
        Assert.Equal(0, exit);
        Assert.Contains("usage:", output);
        Assert.Contains("Exit code", output);
        Assert.Equal("", err);
    }

    [Fact]
    public void The_summary_counts_the_rows_the_report_shows()
    {
        // Money.decimal is used in many places: one change, one row listing where it shows, counted once.
        var edited = SpecFixture.Edited(root => SpecFixture.Schema(root, "Money")["properties"]!["decimal"]!["type"] = "string");
        var dir = Support.TempDirectory();
        var (oldFile, newFile) = (Path.Combine(dir, "old.json"), Path.Combine(dir, "new.json"));
        File.WriteAllText(oldFile, SpecFixture.Edited(_ => { }));
        File.WriteAllText(newFile, edited);

        var (exit, markdown, _) = Support.Run(oldFile, newFile, "--csharp", "off", "--format", "markdown");

        Assert.Equal(1, exit);
        var rows = markdown.Split('\n').Count(l => l.StartsWith("| ERR ", StringComparison.Ordinal));
        Assert.True(rows > 0, markdown);
        Assert.Contains($"**{rows} ERR, 0 WARN, 0 INFO", markdown);
        var text = Support.Run(oldFile, newFile, "--csharp", "off").Out;
        Assert.StartsWith($"{rows} ERR, 0 WARN, 0 INFO", text);
        Assert.Equal(rows, text.Split('\n').Count(l => l.StartsWith("ERR ", StringComparison.Ordinal)));
    }

    [Theory]
    [InlineData("--format", "xml")]
    [InlineData("--fail-on", "FATAL")]
    [InlineData("--bogus", "x")]
    public void Bad_options_exit_2_with_usage(string option, string value)
    {
        var (exit, _, err) = Support.Run(Pair("endpoint-added", "old"), Pair("endpoint-added", "new"), option, value);
        Assert.Equal(2, exit);
        Assert.Contains("usage:", err);
    }

    [Fact]
    public void One_spec_only_exits_2()
    {
        var (exit, _, err) = Support.Run(Pair("endpoint-added", "old"));
        Assert.Equal(2, exit);
        Assert.Contains("expected exactly two specs", err);
    }
}
