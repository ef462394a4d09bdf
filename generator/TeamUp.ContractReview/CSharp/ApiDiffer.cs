using System.Text;
using System.Text.RegularExpressions;
using DiffPlex.DiffBuilder;
using DiffPlex.DiffBuilder.Model;

namespace TeamUp.ContractReview.CSharp;

/// <summary>
/// Diffs two public API listings line by line. A removed and an added line for the same
/// member of the same type count as one changed member (a property whose type changed, say).
/// </summary>
internal static partial class ApiDiffer
{
    public static ApiDiff Diff(string oldApi, string newApi)
    {
        var lines = InlineDiffBuilder.Diff(oldApi, newApi, ignoreWhiteSpace: false).Lines;
        var removed = new List<(string Type, string Line)>();
        var added = new List<(string Type, string Line)>();
        var text = new StringBuilder();
        string currentType = "", printedType = "";
        foreach (var line in lines)
        {
            if (line.Type == ChangeType.Unchanged || line.Type == ChangeType.Imaginary)
            {
                if (TypeDeclaration().IsMatch(line.Text)) currentType = line.Text.Trim();
                continue;
            }
            var inserted = line.Type == ChangeType.Inserted;
            if (TypeDeclaration().IsMatch(line.Text)) currentType = line.Text.Trim();
            else if (printedType != currentType && currentType.Length > 0)
            {
                text.AppendLine($" {currentType}");
                printedType = currentType;
            }
            text.AppendLine($"{(inserted ? '+' : '-')}{line.Text}");
            if (IsMember(line.Text))
                (inserted ? added : removed).Add((currentType, line.Text.Trim()));
        }

        var changed = new List<(string, string)>();
        foreach (var old in removed.ToList())
        {
            var match = added.FirstOrDefault(a => a.Type == old.Type && Key(a.Line) == Key(old.Line));
            if (match == default) continue;
            changed.Add((old.Line, match.Line));
            removed.Remove(old);
            added.Remove(match);
        }
        return new ApiDiff(added.Select(Qualify).ToList(), removed.Select(Qualify).ToList(), changed, text.ToString());
    }

    private static string Qualify((string Type, string Line) member) =>
        member.Type.Length == 0 || TypeDeclaration().IsMatch(member.Line) ? member.Line : $"{TypeName(member.Type)}: {member.Line}";

    private static string TypeName(string declaration) =>
        TypeDeclaration().Match(declaration) is { Success: true } m ? m.Groups["name"].Value : declaration;

    // Braces, attributes and namespace lines carry no member of their own.
    private static bool IsMember(string line)
    {
        var trimmed = line.Trim();
        return trimmed.Length > 0 && trimmed is not ("{" or "}") && !trimmed.StartsWith('[') && !trimmed.StartsWith("namespace ", StringComparison.Ordinal);
    }

    // The member's name: what comes before '(' for methods, '{' for properties, '=' or ',' for enum members.
    private static string Key(string line)
    {
        if (TypeDeclaration().Match(line) is { Success: true } type) return "type " + type.Groups["name"].Value;
        var end = line.IndexOfAny(['(', '{', '=', ',', ';']);
        var head = (end < 0 ? line : line[..end]).Trim();
        return head.Split(' ', StringSplitOptions.RemoveEmptyEntries).LastOrDefault() ?? line;
    }

    [GeneratedRegex(@"^\s*public\s+(?:(?:static|sealed|abstract|partial|readonly|ref)\s+)*(?:class|interface|enum|struct|record(?:\s+struct)?|delegate\s+\S+)\s+(?<name>[\w`<>,\s]+?)(?:\s*[:({]|\s*$)")]
    private static partial Regex TypeDeclaration();
}
