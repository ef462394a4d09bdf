using System.Text.Json;
using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Reporting;

/// <summary>For machines (CI bots): the same facts, stable field names.</summary>
internal static class JsonReport
{
    public static string Render(ReviewResult result)
    {
        var semver = result.Semver;
        var document = new
        {
            old = result.OldSource,
            @new = result.NewSource,
            // Changes, one per place (the "changes" list below); rows group them as the text and markdown reports do.
            summary = new
            {
                err = result.Count(Level.ERR), warn = result.Count(Level.WARN), info = result.Count(Level.INFO),
                rows = new { err = result.RowCount(Level.ERR), warn = result.RowCount(Level.WARN), info = result.RowCount(Level.INFO) },
                csharpLevel = result.CSharpLevel?.ToString(),
            },
            semver = new { bump = semver.Bump.ToString().ToLowerInvariant(), reason = semver.Reason },
            changes = result.Changes.Select(c => new
            {
                id = c.Id,
                level = c.Level.ToString(),
                operation = c.Operation,
                location = c.Location,
                message = c.Message,
                usualLevel = c.UsualLevel?.ToString(),
                oasdiffLevel = c.OasdiffLevel?.ToString(),
                clientNote = c.ClientNote,
            }),
            csharp = result.CSharp is { } d
                ? new { doesNotBuild = d.NewBuildErrors, added = d.Added, removed = d.Removed, changed = d.Changed.Select(x => new { old = x.Old, @new = x.New }), diff = d.UnifiedText }
                : null,
            csharpNote = result.CSharpNote,
            inputNotes = result.InputNotes.Count > 0 ? result.InputNotes : null,
        };
        return JsonSerializer.Serialize(document, new JsonSerializerOptions { WriteIndented = true, DefaultIgnoreCondition = System.Text.Json.Serialization.JsonIgnoreCondition.WhenWritingNull });
    }
}
