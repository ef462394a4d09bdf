using System.Text;
using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Reporting;

/// <summary>For a terminal: one line per change, most severe first.</summary>
internal static class TextReport
{
    public static string Render(ReviewResult result)
    {
        var text = new StringBuilder();
        text.AppendLine(Summary.Line(result));
        foreach (var row in result.Rows)
        {
            var c = row.Change;
            text.AppendLine($"{c.Level,-4} {c.Id}  {string.Join(", ", row.Places)}: {c.Message}");
            if (c.LevelNote is { } note)
                text.AppendLine($"     ({note})");
        }
        foreach (var inputNote in result.InputNotes)
            text.AppendLine($"note: {inputNote}");
        if (result.CSharpNote is not null)
            text.AppendLine($"C# API: {result.CSharpNote}");
        if (result.CSharp is { NewBuildErrors.Count: > 0 } broken)
            text.AppendLine("C# API: NEW's generated client no longer compiles with the hand-written sources:")
                .AppendLine(string.Join(Environment.NewLine, broken.NewBuildErrors.Select(e => "  " + e)));
        if (result.CSharp is { UnifiedText.Length: > 0 } diff)
            text.AppendLine("C# API diff:").Append(diff.UnifiedText);
        if (result.CSharp is { Timings.Length: > 0 } timed)
            text.AppendLine($"C# step: {timed.Timings}");
        return text.ToString();
    }

    internal static string Where(Change c) =>
        c.Operation.Length == 0 || c.Operation == c.Location ? c.Location : $"{c.Operation} {c.Location}";
}
