using TeamUp.ContractReview.CSharp;

namespace TeamUp.ContractReview.Review;

/// <summary>Everything one run found: spec changes, the C# consequence (or why there is none), and the bump it implies.</summary>
public sealed record ReviewResult(
    string OldSource,
    string NewSource,
    IReadOnlyList<Change> Changes,
    ApiDiff? CSharp,
    string? CSharpNote)
{
    public int Count(Level level) => Changes.Count(c => c.Level == level);

    public SemverSuggestion Semver => SemverSuggestion.From(Changes, CSharp);
}
