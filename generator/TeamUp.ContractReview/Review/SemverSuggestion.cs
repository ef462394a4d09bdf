using TeamUp.ContractReview.CSharp;

namespace TeamUp.ContractReview.Review;

public enum Bump { None, Patch, Minor, Major }

/// <summary>
/// The package version bump a change needs: a break on the wire or in the C# API is major,
/// anything new (or a warning a caller may notice) is minor, the rest patch.
/// </summary>
public sealed record SemverSuggestion(Bump Bump, string Reason)
{
    public static SemverSuggestion From(IReadOnlyList<Change> changes, ApiDiff? csharp)
    {
        var errors = changes.Count(c => c.Level == Level.ERR);
        var breakingMembers = (csharp?.Removed.Count ?? 0) + (csharp?.Changed.Count ?? 0);
        var doesNotBuild = csharp?.NewBuildErrors.Count > 0;
        if (errors > 0 || breakingMembers > 0 || doesNotBuild)
            return new(Bump.Major, Join(
                errors > 0 ? $"{errors} breaking spec change(s)" : null,
                breakingMembers > 0 ? $"{breakingMembers} C# member(s) removed or changed" : null,
                doesNotBuild ? "the generated client no longer builds with the hand-written sources" : null));

        var warnings = changes.Count(c => c.Level == Level.WARN);
        var additions = changes.Count(c => c.Id.Contains("added", StringComparison.Ordinal) || c.Id.StartsWith("new-", StringComparison.Ordinal));
        var addedMembers = csharp?.Added.Count ?? 0;
        if (warnings > 0 || additions > 0 || addedMembers > 0)
            return new(Bump.Minor, Join(
                warnings > 0 ? $"{warnings} warning(s)" : null,
                additions > 0 ? $"{additions} addition(s) to the API" : null,
                addedMembers > 0 ? $"{addedMembers} C# member(s) added" : null));

        return changes.Count > 0
            ? new(Bump.Patch, $"{changes.Count} compatible change(s)")
            : new(Bump.None, "no change");
    }

    private static string Join(params string?[] parts) => string.Join(", ", parts.Where(p => p is not null));
}
