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

    /// <summary>The changes as the reports show them: one row per distinct change, listing every place it shows.</summary>
    public IReadOnlyList<ChangeRow> Rows { get; } = Changes
        .GroupBy(c => (c.Level, c.Id, c.Message, c.ClientNote))
        .Select(g => new ChangeRow(g.First(), [.. g.Select(Reporting.TextReport.Where).Distinct()]))
        .ToList();

    /// <summary>How many rows the reports show at <paramref name="level"/>.</summary>
    public int RowCount(Level level) => Rows.Count(r => r.Change.Level == level);

    /// <summary>
    /// The level of the C# consequence: a removed or changed public member, or a NEW that does not build, breaks
    /// callers (ERR); added members are INFO; no C# step, or no change, is null.
    /// </summary>
    public Level? CSharpLevel => CSharp switch
    {
        { Breaks: true } => Level.ERR,
        { Added.Count: > 0 } => Level.INFO,
        _ => null,
    };

    /// <summary>Whether the run fails at <paramref name="failOn"/>: the worse of the spec level and the C# level reaches it.</summary>
    public bool Fails(Level failOn) => Changes.Any(c => c.Level >= failOn) || CSharpLevel >= failOn;

    public SemverSuggestion Semver => SemverSuggestion.From(Changes, CSharp);
}

/// <summary>One distinct change and every place it shows (a component used in twenty places is one row).</summary>
public sealed record ChangeRow(Change Change, IReadOnlyList<string> Places);
