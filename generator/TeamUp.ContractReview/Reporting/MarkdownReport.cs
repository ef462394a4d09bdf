using System.Text;
using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Reporting;

/// <summary>A pull-request comment: summary, breaking changes first, the rest, then the C# API diff.</summary>
internal static class MarkdownReport
{
    public static string Render(ReviewResult result)
    {
        var md = new StringBuilder();
        md.AppendLine("## Contract review").AppendLine();
        md.AppendLine($"**{Summary.Line(result)}**").AppendLine();
        md.AppendLine($"`{result.OldSource}` → `{result.NewSource}`").AppendLine();

        var breaking = result.Rows.Where(r => r.Change.IsBreaking).ToList();
        var rest = result.Rows.Where(r => !r.Change.IsBreaking).ToList();
        md.AppendLine("### Breaking changes").AppendLine();
        Table(md, breaking, result.CSharpLevel == Level.ERR
            ? "No breaking change in the spec's own terms, but the C# API breaks: see below."
            : "No breaking change.");
        md.AppendLine("### Other changes").AppendLine();
        Table(md, rest, "No other change.");

        if (result.InputNotes.Count > 0)
        {
            md.AppendLine("### Notes on the documents").AppendLine();
            md.AppendLine("Rules of the OpenAPI specification broken, reviewed as they are:").AppendLine();
            foreach (var inputNote in result.InputNotes)
                md.AppendLine($"- `{inputNote.Replace("`", "'", StringComparison.Ordinal)}`");
            md.AppendLine();
        }
        md.AppendLine("### C# API").AppendLine();
        if (result.CSharpNote is not null)
            md.AppendLine($"> {result.CSharpNote}").AppendLine();
        if (result.CSharp is { NewBuildErrors.Count: > 0 } broken)
        {
            md.AppendLine("NEW's generated client no longer compiles together with the hand-written sources of src/TeamUp.Generated:").AppendLine();
            md.AppendLine("```").AppendLine(string.Join("\n", broken.NewBuildErrors)).AppendLine("```");
        }
        else if (result.CSharp is { } diff)
        {
            if (diff.IsEmpty)
                md.AppendLine("The public API of TeamUp.Generated does not change.").AppendLine();
            else
                md.AppendLine("```diff").Append(Truncated(diff.UnifiedText)).AppendLine("```");
        }
        if (result.CSharp is { Timings.Length: > 0 } timed)
            md.AppendLine().AppendLine($"<sub>C# step: {timed.Timings}</sub>");
        return md.ToString();
    }

    // One row per distinct change: a component used in twenty places (Money) changes once,
    // and the row lists where it shows.
    private static void Table(StringBuilder md, List<ChangeRow> rows, string none)
    {
        if (rows.Count == 0)
        {
            md.AppendLine(none).AppendLine();
            return;
        }
        md.AppendLine("| Level | Id | Change | Where |").AppendLine("|---|---|---|---|");
        foreach (var row in rows)
        {
            var c = row.Change;
            var note = c.LevelNote is { } levelNote ? $" *({levelNote})*" : "";
            var places = row.Places;
            var where = string.Join("<br>", places.Take(MaxPlaces).Select(Cell))
                + (places.Count > MaxPlaces ? $"<br>… and {places.Count - MaxPlaces} more" : "");
            md.AppendLine($"| {c.Level} | `{c.Id}` | {Cell(c.Message)}{note} | {where} |");
        }
        md.AppendLine();
    }

    private const int MaxPlaces = 3;

    // A pull-request comment holds 65,536 characters; the full diff is in the text and JSON output.
    private const int MaxDiffLines = 400;

    private static string Truncated(string diff)
    {
        var lines = diff.Split('\n', StringSplitOptions.RemoveEmptyEntries);
        if (lines.Length <= MaxDiffLines) return diff;
        return string.Join('\n', lines.Take(MaxDiffLines))
            + $"\n… {lines.Length - MaxDiffLines} more lines (--format text shows them all)\n";
    }

    private static string Cell(string text) => text.Replace("|", "\\|").Replace("\n", " ");
}
