using System.Text;
using TeamUp.ContractReview.Review;

namespace TeamUp.ContractReview.Reporting;

/// <summary>`--list-rules`: every id with oasdiff's level and, where it differs, this client's and why.</summary>
internal static class RuleList
{
    public static string Render()
    {
        var md = new StringBuilder("| Id | Level | oasdiff | Why this client differs |\n|---|---|---|---|\n");
        foreach (var rule in RuleCatalog.All.Values.OrderBy(r => r.Id, StringComparer.Ordinal))
        {
            var adjusted = ClientProfile.All.TryGetValue(rule.Id, out var a) && a.Level != rule.Level;
            md.AppendLine($"| `{rule.Id}` | {(adjusted ? a.Level : rule.Level)} | {(rule.FromOasdiff ? rule.Level.ToString() : "(no such rule)")} | {(adjusted ? a.Reason : "")} |");
        }
        return md.ToString();
    }
}
