using TeamUp.ContractReview.CSharp;

namespace TeamUp.ContractReview.Tests;

public class ApiDifferTests
{
    private const string Old = """
        namespace TeamUp.Generated
        {
            public class Invoice
            {
                public Invoice() { }
                public decimal Total { get; set; }
                public string? Notes { get; set; }
            }
            public enum Status
            {
                Open = 0,
                Draft = 1,
            }
        }
        """;

    private const string New = """
        namespace TeamUp.Generated
        {
            public class Invoice
            {
                public Invoice() { }
                public string Total { get; set; }
            }
            public enum Status
            {
                Open = 0,
                Refunded = 2,
            }
        }
        """;

    [Fact]
    public void Sorts_members_into_removed_added_and_changed_within_their_type()
    {
        var diff = ApiDiffer.Diff(Old, New);

        Assert.Equal([("public decimal Total { get; set; }", "public string Total { get; set; }")], diff.Changed);
        Assert.Equal(["Invoice: public string? Notes { get; set; }", "Status: Draft = 1,"], diff.Removed);
        Assert.Equal(["Status: Refunded = 2,"], diff.Added);
        Assert.True(diff.Breaks);
    }

    [Fact]
    public void The_diff_text_names_the_type_each_change_belongs_to()
    {
        var text = ApiDiffer.Diff(Old, New).UnifiedText.Split('\n', StringSplitOptions.RemoveEmptyEntries);

        Assert.Equal(" public class Invoice", text[0].TrimEnd());
        Assert.StartsWith("-", text[1]);
        Assert.Contains(text, l => l.TrimEnd() == " public enum Status");
        Assert.Contains(text, l => l.StartsWith('+') && l.Contains("Refunded = 2,"));
    }

    [Fact]
    public void Identical_listings_make_an_empty_diff()
    {
        var diff = ApiDiffer.Diff(Old, Old);
        Assert.True(diff.IsEmpty);
        Assert.Equal("", diff.UnifiedText);
    }
}
