namespace TeamUp.ContractReview.CSharp;

/// <summary>The public-API difference of the generated package between OLD and NEW.</summary>
public sealed record ApiDiff(
    IReadOnlyList<string> Added,
    IReadOnlyList<string> Removed,
    IReadOnlyList<(string Old, string New)> Changed,
    string UnifiedText)
{
    public bool IsEmpty => Added.Count == 0 && Removed.Count == 0 && Changed.Count == 0;
}
