using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Tests;

/// <summary>
/// Each Corpus/&lt;rule-id&gt;/&lt;case&gt;/ holds old and new specs and expected.txt, the exact
/// multiset of "LEVEL id" the review must produce (empty for pairs that must not break).
/// </summary>
public class CorpusTests
{
    public static TheoryData<string> Cases() => new(Names());

    private static IEnumerable<string> Names() =>
        Directory.EnumerateFiles(Support.CorpusDirectory, "expected.txt", SearchOption.AllDirectories)
            .Select(expected => Path.GetRelativePath(Support.CorpusDirectory, Path.GetDirectoryName(expected)!).Replace('\\', '/'))
            .Order(StringComparer.Ordinal);

    [Theory]
    [MemberData(nameof(Cases))]
    public void Classifies_the_pair_exactly(string name)
    {
        var (oldFile, newFile, expected) = Files(name);
        var changes = Support.Review(File.ReadAllText(oldFile), File.ReadAllText(newFile));
        var actual = changes.Select(c => $"{c.Level} {c.Id}").Order(StringComparer.Ordinal).ToList();
        Assert.True(expected.SequenceEqual(actual),
            $"expected:\n  {string.Join("\n  ", expected)}\nactual:\n  {string.Join("\n  ", changes.Select(c => $"{c.Level} {c.Id} | {c.Operation} | {c.Location} | {c.Message}"))}");
    }

    [Theory]
    [MemberData(nameof(Cases))]
    public void Exits_1_exactly_when_something_breaks(string name)
    {
        var (oldFile, newFile, expected) = Files(name);
        var (exit, _, err) = Support.Run(oldFile, newFile, "--csharp", "off");
        Assert.Equal("", err);
        Assert.Equal(expected.Any(e => e.StartsWith("ERR ", StringComparison.Ordinal)) ? 1 : 0, exit);
    }

    [Fact]
    public void Every_corpus_folder_is_named_after_a_rule_in_the_catalog()
    {
        var unknown = Names().Select(n => n.Split('/')[0])
            .Where(id => id != "no-change" && !RuleCatalog.All.ContainsKey(id)).Distinct().ToList();
        Assert.Empty(unknown);
    }

    [Fact]
    public void Every_rule_in_the_catalog_is_produced_by_some_pair()
    {
        var produced = Names().SelectMany(n => Files(n).Expected).Select(e => e.Split(' ')[1]).ToHashSet();
        Assert.Empty(RuleCatalog.All.Keys.Where(id => !produced.Contains(id)).Order());
    }

    [Fact]
    public void Every_no_change_pair_expects_nothing_and_passes_even_at_fail_on_INFO()
    {
        var clean = Names().Where(n => n.StartsWith("no-change/", StringComparison.Ordinal)).ToList();
        Assert.True(clean.Count >= 5);
        var breaking = clean.Where(n => Files(n).Expected.Count > 0).ToList();
        Assert.Empty(breaking); // a pair that breaks belongs in its rule's folder
        Each.Of(clean, name => Assert.Equal(0, Support.Run(Files(name).Old, Files(name).New, "--csharp", "off", "--fail-on", "INFO").Exit));
    }

    [Fact]
    public void Every_pair_in_a_rule_folder_produces_that_rule()
    {
        var strays = Names().Where(n => !n.StartsWith("no-change/", StringComparison.Ordinal))
            .Where(n => !Files(n).Expected.Any(e => e.Split(' ')[1] == n.Split('/')[0]))
            .ToList();
        Assert.Empty(strays);
    }

    private static (string Old, string New, List<string> Expected) Files(string name)
    {
        var dir = Path.Combine(Support.CorpusDirectory, name);
        var oldFile = Directory.EnumerateFiles(dir, "old.*").Single();
        var newFile = Directory.EnumerateFiles(dir, "new.*").Single();
        var expected = File.ReadAllLines(Path.Combine(dir, "expected.txt")).Where(l => l.Length > 0).Order(StringComparer.Ordinal).ToList();
        return (oldFile, newFile, expected);
    }
}
