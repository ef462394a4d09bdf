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
    /// <summary>Rules of the OpenAPI specification OLD or NEW breaks but that did not stop the review (like oasdiff, reviewed as they are).</summary>
    public IReadOnlyList<string> InputNotes { get; init; } = [];

    public int Count(Level level) => Changes.Count(c => c.Level == level);

    public SemverSuggestion Semver => SemverSuggestion.From(Changes, CSharp);
}
