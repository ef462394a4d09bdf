namespace TeamUp.ContractReview.CSharp;

/// <summary>The public-API difference of the generated package between OLD and NEW.</summary>
public sealed record ApiDiff(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<(string Old, string New)> Changed,
    string UnifiedText)
{
    /// <summary>Compiler errors when NEW's generated client no longer builds with the hand-written sources.</summary>
    public IReadOnlyList<string> NewBuildErrors { get; init; } = [];

    /// <summary>How long each step took, to keep an eye on "a few seconds".</summary>
    public string Timings { get; init; } = "";

    public bool Breaks => Removed.Count > 0 || Changed.Count > 0 || NewBuildErrors.Count > 0;

    public bool IsEmpty => Added.Count == 0 && !Breaks;

    public static ApiDiff DoesNotBuild(IReadOnlyList<string> errors) => new([], [], [], "") { NewBuildErrors = errors };
}
