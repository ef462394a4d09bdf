using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Reporting;

internal static class Summary
{
    public static string Line(ReviewResult result)
    {
        var semver = result.Semver;
        var csharp = result.CSharp switch
        {
            { NewBuildErrors.Count: > 0 } => "; C# API: NEW does not build",
            { } d => $"; C# API: {d.Removed.Count} removed, {d.Changed.Count} changed, {d.Added.Count} added",
            null => "",
        };
        // Counted as the reports show them: one per row (a change in twenty places is one row listing them).
        return $"{result.RowCount(Level.ERR)} ERR, {result.RowCount(Level.WARN)} WARN, {result.RowCount(Level.INFO)} INFO{csharp}; "
             + $"suggested version bump: {semver.Bump.ToString().ToLowerInvariant()} ({semver.Reason})";
    }
}
