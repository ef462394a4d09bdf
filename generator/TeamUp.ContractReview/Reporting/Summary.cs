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
        return $"{result.Count(Level.ERR)} ERR, {result.Count(Level.WARN)} WARN, {result.Count(Level.INFO)} INFO{csharp}; "
             + $"suggested version bump: {semver.Bump.ToString().ToLowerInvariant()} ({semver.Reason})";
    }
}
