namespace TeamUp.ContractReview.Tests;

public class RuleListTests
{
    [Fact]
    public void Lists_every_rule_with_both_levels_and_the_reason_when_they_differ()
    {
        var (exit, table, _) = Support.Run("--list-rules");

        Assert.Equal(0, exit);
        Assert.Contains("| `request-parameter-became-required` | ERR | ERR |  |", table);
        Assert.Contains("| `response-property-enum-value-added` | INFO | WARN | TeamUp.Generated keeps enum values it does not know", table);
        Assert.Contains("| `request-parameter-serialization-changed` | ERR | (no such rule) |", table);
        Assert.Equal(Review.RuleCatalog.All.Count + 2, table.Split('\n', StringSplitOptions.RemoveEmptyEntries).Length);
    }
}

public class LevelNoteTests
{
    [Fact]
    public void A_rule_oasdiff_lacks_is_not_credited_to_oasdiff()
    {
        var pair = Path.Combine(Support.CorpusDirectory, "response-body-enum-value-added", "basic");
        var (_, text, _) = Support.Run(Path.Combine(pair, "old.yaml"), Path.Combine(pair, "new.yaml"), "--csharp", "off");
        Assert.Contains("(usually WARN; for this client: TeamUp.Generated keeps enum values", text);
        Assert.DoesNotContain("oasdiff:", text);
    }
}
