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
        var args = new[] { Pair("request-property-removed", "old"), Pair("request-property-removed", "new"), "--csharp", "off" };
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
