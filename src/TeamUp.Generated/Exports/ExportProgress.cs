namespace TeamUp.Generated;

/// <summary>How far an export job is: <c>complete_items</c> of <c>total_items</c>.</summary>
/// <param name="CompleteItems">Items done so far.</param>
/// <param name="TotalItems">Items in the export (0 while unknown).</param>
/// <param name="IsComplete">Whether the file is ready (<c>result_url</c> is set).</param>
public readonly record struct ExportProgress(int CompleteItems, int TotalItems, bool IsComplete)
{
    /// <summary>The fraction done, from 0 to 1 (1 once complete; null while the total is unknown).</summary>
    public double? Fraction => IsComplete ? 1 : TotalItems > 0 ? Math.Clamp((double)CompleteItems / TotalItems, 0, 1) : null;
}
